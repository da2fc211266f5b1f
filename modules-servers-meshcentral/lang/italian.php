<?php

// Italiano texts of the MeshCentral module (WHMCS client-area language file name: italian.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'Apri MeshCentral';
$_LANG['meshcentral_open_help'] = 'Accede alla tua console di gestione remota. Il link funziona una sola volta.';
$_LANG['meshcentral_add_device'] = 'Aggiungi un dispositivo';
$_LANG['meshcentral_add_device_help'] = 'Scarica l’agente per il sistema del dispositivo ed eseguilo su di esso. Il dispositivo entra solo nel tuo gruppo di dispositivi.';
$_LANG['meshcentral_invite'] = 'Link di invito';
$_LANG['meshcentral_invite_help'] = 'Invia questa pagina a chi configura il dispositivo: offre il programma di installazione adatto al suo sistema.';
$_LANG['meshcentral_invite_new'] = 'Crea un nuovo link di invito';
$_LANG['meshcentral_invite_expires'] = 'Scade';
$_LANG['meshcentral_devices'] = 'Dispositivi';
$_LANG['meshcentral_device'] = 'Dispositivo';
$_LANG['meshcentral_os'] = 'Sistema operativo';
$_LANG['meshcentral_status'] = 'Stato';
$_LANG['meshcentral_last_seen'] = 'Ultimo accesso';
$_LANG['meshcentral_online'] = 'Online';
$_LANG['meshcentral_offline'] = 'Offline';
$_LANG['meshcentral_no_devices'] = 'Ancora nessun dispositivo. Installa l’agente su un dispositivo per vederlo qui.';
$_LANG['meshcentral_limit'] = 'Limite di dispositivi';
$_LANG['meshcentral_at_limit'] = 'Hai raggiunto il limite di dispositivi del tuo piano: rimuovi un dispositivo o passa a un piano superiore per aggiungerne altri.';
$_LANG['meshcentral_suspended'] = 'Questo servizio è sospeso.';
$_LANG['meshcentral_not_ready'] = 'Il tuo servizio di gestione remota è in fase di attivazione.';
$_LANG['meshcentral_error_generic'] = 'La gestione remota non è disponibile in questo momento. Riprova più tardi o contatta l’assistenza.';
$_LANG['meshcentral_inactive'] = 'Questo servizio non è attivo.';
$_LANG['meshcentral_error_sso'] = 'L’accesso alla gestione remota sarà disponibile non appena il servizio sarà attivo. Contatta l’assistenza se dovrebbe già esserlo.';
$_LANG['meshcentral_error_invite'] = 'Non è stato possibile creare un nuovo link di invito. Riprova più tardi o contatta l’assistenza.';
$_LANG['meshcentral_error_password'] = 'Al momento non è stato possibile cambiare la password. Riprova più tardi o contatta l’assistenza.';
$_LANG['meshcentral_button_invite'] = 'Nuovo link di invito';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64 bit)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32 bit)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Script di installazione per Linux';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universale)';
$_LANG['meshcentral_error_addon'] = 'Questo componente aggiuntivo non ha una gestione remota propria. Usa il servizio a cui appartiene o contatta l’assistenza.';
