<?php

// Français texts of the MeshCentral module (WHMCS client-area language file name: french.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'Ouvrir MeshCentral';
$_LANG['meshcentral_open_help'] = 'Vous connecte à votre console de gestion à distance. Le lien ne fonctionne qu’une seule fois.';
$_LANG['meshcentral_add_device'] = 'Ajouter un appareil';
$_LANG['meshcentral_add_device_help'] = 'Téléchargez l’agent correspondant au système de l’appareil et exécutez-le sur celui-ci. L’appareil rejoint uniquement votre groupe d’appareils.';
$_LANG['meshcentral_invite'] = 'Lien d’invitation';
$_LANG['meshcentral_invite_help'] = 'Envoyez cette page à la personne qui installe l’appareil : elle propose le programme d’installation adapté à son système.';
$_LANG['meshcentral_invite_new'] = 'Créer un nouveau lien d’invitation';
$_LANG['meshcentral_invite_expires'] = 'Expire le';
$_LANG['meshcentral_devices'] = 'Appareils';
$_LANG['meshcentral_device'] = 'Appareil';
$_LANG['meshcentral_os'] = 'Système d’exploitation';
$_LANG['meshcentral_status'] = 'État';
$_LANG['meshcentral_last_seen'] = 'Dernière connexion';
$_LANG['meshcentral_online'] = 'En ligne';
$_LANG['meshcentral_offline'] = 'Hors ligne';
$_LANG['meshcentral_no_devices'] = 'Aucun appareil pour l’instant. Installez l’agent sur un appareil pour le voir apparaître ici.';
$_LANG['meshcentral_limit'] = 'Limite d’appareils';
$_LANG['meshcentral_at_limit'] = 'La limite d’appareils de votre offre est atteinte : retirez un appareil ou passez à une offre supérieure pour en ajouter.';
$_LANG['meshcentral_suspended'] = 'Ce service est suspendu.';
$_LANG['meshcentral_not_ready'] = 'Votre service de gestion à distance est en cours de mise en place.';
$_LANG['meshcentral_error_generic'] = 'La gestion à distance est indisponible pour le moment. Veuillez réessayer plus tard ou contacter le support.';
$_LANG['meshcentral_inactive'] = 'Ce service n’est pas actif.';
$_LANG['meshcentral_error_sso'] = 'La connexion à la gestion à distance sera possible dès que votre service sera actif. Contactez le support s’il devrait déjà l’être.';
$_LANG['meshcentral_error_invite'] = 'Impossible de créer un nouveau lien d’invitation. Veuillez réessayer plus tard ou contacter le support.';
$_LANG['meshcentral_error_password'] = 'Le mot de passe n’a pas pu être modifié pour le moment. Veuillez réessayer plus tard ou contacter le support.';
$_LANG['meshcentral_button_invite'] = 'Nouveau lien d’invitation';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64 bits)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32 bits)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Script d’installation Linux';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universel)';
$_LANG['meshcentral_error_addon'] = 'Cet add-on ne dispose pas de sa propre gestion à distance. Utilisez le service auquel il est rattaché ou contactez le support.';
