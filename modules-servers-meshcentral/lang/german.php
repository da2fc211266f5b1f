<?php

// Deutsch texts of the MeshCentral module (WHMCS client-area language file name: german.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'MeshCentral öffnen';
$_LANG['meshcentral_open_help'] = 'Meldet Sie an Ihrer Fernwartungskonsole an. Der Link funktioniert nur einmal.';
$_LANG['meshcentral_add_device'] = 'Gerät hinzufügen';
$_LANG['meshcentral_add_device_help'] = 'Laden Sie den Agenten für das Betriebssystem des Geräts herunter und führen Sie ihn dort aus. Das Gerät wird nur Ihrer Gerätegruppe hinzugefügt.';
$_LANG['meshcentral_invite'] = 'Einladungslink';
$_LANG['meshcentral_invite_help'] = 'Senden Sie diese Seite an die Person, die das Gerät einrichtet; sie bietet das passende Installationsprogramm für deren System an.';
$_LANG['meshcentral_invite_new'] = 'Neuen Einladungslink erstellen';
$_LANG['meshcentral_invite_expires'] = 'Gültig bis';
$_LANG['meshcentral_devices'] = 'Geräte';
$_LANG['meshcentral_device'] = 'Gerät';
$_LANG['meshcentral_os'] = 'Betriebssystem';
$_LANG['meshcentral_status'] = 'Status';
$_LANG['meshcentral_last_seen'] = 'Zuletzt gesehen';
$_LANG['meshcentral_online'] = 'Online';
$_LANG['meshcentral_offline'] = 'Offline';
$_LANG['meshcentral_no_devices'] = 'Noch keine Geräte. Installieren Sie den Agenten auf einem Gerät, damit es hier erscheint.';
$_LANG['meshcentral_limit'] = 'Gerätelimit';
$_LANG['meshcentral_at_limit'] = 'Das Gerätelimit Ihres Tarifs ist erreicht: Entfernen Sie ein Gerät oder wechseln Sie in einen größeren Tarif, um weitere hinzuzufügen.';
$_LANG['meshcentral_suspended'] = 'Dieser Dienst ist gesperrt.';
$_LANG['meshcentral_not_ready'] = 'Ihr Fernwartungsdienst wird gerade eingerichtet.';
$_LANG['meshcentral_error_generic'] = 'Die Fernwartung ist im Moment nicht verfügbar. Bitte versuchen Sie es später erneut oder wenden Sie sich an den Support.';
$_LANG['meshcentral_inactive'] = 'Dieser Dienst ist nicht aktiv.';
$_LANG['meshcentral_error_sso'] = 'Die Anmeldung bei der Fernwartung ist möglich, sobald Ihr Dienst aktiv ist. Bitte wenden Sie sich an den Support, falls er bereits aktiv sein sollte.';
$_LANG['meshcentral_error_invite'] = 'Es konnte kein neuer Einladungslink erstellt werden. Bitte versuchen Sie es später erneut oder wenden Sie sich an den Support.';
$_LANG['meshcentral_error_password'] = 'Das Passwort konnte gerade nicht geändert werden. Bitte versuchen Sie es später erneut oder wenden Sie sich an den Support.';
$_LANG['meshcentral_button_invite'] = 'Neuer Einladungslink';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64 Bit)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32 Bit)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Linux-Installationsskript';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universal)';
$_LANG['meshcentral_error_addon'] = 'Dieses Add-on hat keine eigene Fernwartung. Bitte nutzen Sie den zugehörigen Dienst oder wenden Sie sich an den Support.';
