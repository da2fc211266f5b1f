<?php

// Nederlands texts of the MeshCentral module (WHMCS client-area language file name: dutch.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'MeshCentral openen';
$_LANG['meshcentral_open_help'] = 'Meldt u aan bij uw console voor beheer op afstand. De link werkt maar één keer.';
$_LANG['meshcentral_add_device'] = 'Apparaat toevoegen';
$_LANG['meshcentral_add_device_help'] = 'Download de agent voor het systeem van het apparaat en voer hem daar uit. Het apparaat komt alleen in uw eigen apparaatgroep.';
$_LANG['meshcentral_invite'] = 'Uitnodigingslink';
$_LANG['meshcentral_invite_help'] = 'Stuur deze pagina naar degene die het apparaat installeert; de pagina biedt het installatieprogramma voor diens systeem aan.';
$_LANG['meshcentral_invite_new'] = 'Nieuwe uitnodigingslink maken';
$_LANG['meshcentral_invite_expires'] = 'Verloopt';
$_LANG['meshcentral_devices'] = 'Apparaten';
$_LANG['meshcentral_device'] = 'Apparaat';
$_LANG['meshcentral_os'] = 'Besturingssysteem';
$_LANG['meshcentral_status'] = 'Status';
$_LANG['meshcentral_last_seen'] = 'Laatst gezien';
$_LANG['meshcentral_online'] = 'Online';
$_LANG['meshcentral_offline'] = 'Offline';
$_LANG['meshcentral_no_devices'] = 'Nog geen apparaten. Installeer de agent op een apparaat om het hier te zien.';
$_LANG['meshcentral_limit'] = 'Apparaatlimiet';
$_LANG['meshcentral_at_limit'] = 'De apparaatlimiet van uw pakket is bereikt: verwijder een apparaat of kies een groter pakket om er meer toe te voegen.';
$_LANG['meshcentral_suspended'] = 'Deze dienst is opgeschort.';
$_LANG['meshcentral_not_ready'] = 'Uw dienst voor beheer op afstand wordt ingericht.';
$_LANG['meshcentral_error_generic'] = 'Beheer op afstand is op dit moment niet beschikbaar. Probeer het later opnieuw of neem contact op met support.';
$_LANG['meshcentral_inactive'] = 'Deze dienst is niet actief.';
$_LANG['meshcentral_error_sso'] = 'Aanmelden voor beheer op afstand kan zodra uw dienst actief is. Neem contact op met support als dat al zo zou moeten zijn.';
$_LANG['meshcentral_error_invite'] = 'Er kon geen nieuwe uitnodigingslink worden gemaakt. Probeer het later opnieuw of neem contact op met support.';
$_LANG['meshcentral_error_password'] = 'Het wachtwoord kon nu niet worden gewijzigd. Probeer het later opnieuw of neem contact op met support.';
$_LANG['meshcentral_button_invite'] = 'Nieuwe uitnodigingslink';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64-bit)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32-bit)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Linux-installatiescript';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universal)';
$_LANG['meshcentral_error_addon'] = 'Deze add-on heeft geen eigen beheer op afstand. Gebruik de dienst waar hij bij hoort of neem contact op met support.';
