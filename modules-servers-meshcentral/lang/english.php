<?php

// Texts of the MeshCentral module (WHMCS convention: keys prefixed with the module name). Translations: copy this
// file under WHMCS's name for the language (german.php, portuguese-br.php, ...) and translate the values; every
// shipped file holds every key (tests/php/Module/LangFilesTest.php); a missing key falls back to English.
$_LANG['meshcentral_open'] = 'Open MeshCentral';
$_LANG['meshcentral_open_help'] = 'Signs you in to your remote management console. The link works once.';
$_LANG['meshcentral_add_device'] = 'Add a device';
$_LANG['meshcentral_add_device_help'] = 'Download the agent for the device\'s system and run it there. It joins your device group only.';
$_LANG['meshcentral_invite'] = 'Invitation link';
$_LANG['meshcentral_invite_help'] = 'Send this page to whoever sets up the device; it offers the installer for their system.';
$_LANG['meshcentral_invite_new'] = 'Create a new invitation link';
$_LANG['meshcentral_invite_expires'] = 'Expires';
$_LANG['meshcentral_devices'] = 'Devices';
$_LANG['meshcentral_device'] = 'Device';
$_LANG['meshcentral_os'] = 'Operating system';
$_LANG['meshcentral_status'] = 'Status';
$_LANG['meshcentral_last_seen'] = 'Last seen';
$_LANG['meshcentral_online'] = 'Online';
$_LANG['meshcentral_offline'] = 'Offline';
$_LANG['meshcentral_no_devices'] = 'No devices yet. Install the agent on a device to see it here.';
$_LANG['meshcentral_limit'] = 'Device limit';
$_LANG['meshcentral_at_limit'] = 'Your plan\'s device limit is reached: remove a device or upgrade to add more.';
$_LANG['meshcentral_suspended'] = 'This service is suspended.';
$_LANG['meshcentral_not_ready'] = 'Your remote management service is being set up.';
$_LANG['meshcentral_error_generic'] = 'Remote management is unavailable right now. Please try again later or contact support.';
$_LANG['meshcentral_inactive'] = 'This service is not active.';
$_LANG['meshcentral_error_sso'] = 'Remote management sign-in is available once your service is active. Please contact support if it should be.';
$_LANG['meshcentral_error_invite'] = 'A new invitation link could not be created. Please try again later or contact support.';
$_LANG['meshcentral_error_password'] = 'The password could not be changed right now. Please try again later or contact support.';
$_LANG['meshcentral_button_invite'] = 'New invitation link';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64-bit)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32-bit)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Linux install script';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universal)';
$_LANG['meshcentral_error_addon'] = 'This add-on has no remote management of its own. Please use the service it belongs to or contact support.';
$_LANG['meshcentral_title'] = 'Remote management';
$_LANG['meshcentral_ended'] = 'This service is no longer active.';
$_LANG['meshcentral_unavailable'] = 'This service is unavailable. Please contact support.';
$_LANG['meshcentral_connect'] = 'Connect';
$_LANG['meshcentral_mode_desktop'] = 'Desktop';
$_LANG['meshcentral_mode_terminal'] = 'Terminal';
$_LANG['meshcentral_mode_files'] = 'Files';
$_LANG['meshcentral_connect_title'] = 'Open the device in MeshCentral';
$_LANG['meshcentral_connect_continue'] = 'Continue to MeshCentral';
$_LANG['meshcentral_connect_help'] = 'This link signs you in once and stops working soon. If MeshCentral does not open by itself, use the button.';
$_LANG['meshcentral_connect_valid_until'] = 'Valid until';
$_LANG['meshcentral_error_connect'] = 'This device cannot be opened from here. Please reload the page and try again, or contact support.';
$_LANG['meshcentral_install_command'] = 'Install command';
$_LANG['meshcentral_install_command_help'] = 'Run this one line on the Linux machine (it asks for sudo).';
$_LANG['meshcentral_copy'] = 'Copy';
$_LANG['meshcentral_copied'] = 'Copied';
$_LANG['meshcentral_error_busy'] = 'Another change to this service is in progress. Please try again in a moment.';
$_LANG['meshcentral_temporarily_unavailable'] = 'Remote management is temporarily unavailable: the server is not responding. Please try again in a minute.';
