<?php

// Español texts of the MeshCentral module (WHMCS client-area language file name: spanish.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'Abrir MeshCentral';
$_LANG['meshcentral_open_help'] = 'Inicia sesión en su consola de administración remota. El enlace solo funciona una vez.';
$_LANG['meshcentral_add_device'] = 'Añadir un dispositivo';
$_LANG['meshcentral_add_device_help'] = 'Descargue el agente para el sistema del dispositivo y ejecútelo en él. El dispositivo se une solo a su grupo de dispositivos.';
$_LANG['meshcentral_invite'] = 'Enlace de invitación';
$_LANG['meshcentral_invite_help'] = 'Envíe esta página a quien vaya a configurar el dispositivo; ofrece el instalador adecuado para su sistema.';
$_LANG['meshcentral_invite_new'] = 'Crear un nuevo enlace de invitación';
$_LANG['meshcentral_invite_expires'] = 'Caduca';
$_LANG['meshcentral_devices'] = 'Dispositivos';
$_LANG['meshcentral_device'] = 'Dispositivo';
$_LANG['meshcentral_os'] = 'Sistema operativo';
$_LANG['meshcentral_status'] = 'Estado';
$_LANG['meshcentral_last_seen'] = 'Última conexión';
$_LANG['meshcentral_online'] = 'En línea';
$_LANG['meshcentral_offline'] = 'Desconectado';
$_LANG['meshcentral_no_devices'] = 'Todavía no hay dispositivos. Instale el agente en un dispositivo para verlo aquí.';
$_LANG['meshcentral_limit'] = 'Límite de dispositivos';
$_LANG['meshcentral_at_limit'] = 'Se ha alcanzado el límite de dispositivos de su plan: elimine un dispositivo o mejore su plan para añadir más.';
$_LANG['meshcentral_suspended'] = 'Este servicio está suspendido.';
$_LANG['meshcentral_not_ready'] = 'Su servicio de administración remota se está configurando.';
$_LANG['meshcentral_error_generic'] = 'La administración remota no está disponible en este momento. Inténtelo de nuevo más tarde o contacte con soporte.';
$_LANG['meshcentral_inactive'] = 'Este servicio no está activo.';
$_LANG['meshcentral_error_sso'] = 'El acceso a la administración remota estará disponible en cuanto su servicio esté activo. Contacte con soporte si ya debería estarlo.';
$_LANG['meshcentral_error_invite'] = 'No se ha podido crear un nuevo enlace de invitación. Inténtelo de nuevo más tarde o contacte con soporte.';
$_LANG['meshcentral_error_password'] = 'No se ha podido cambiar la contraseña en este momento. Inténtelo de nuevo más tarde o contacte con soporte.';
$_LANG['meshcentral_button_invite'] = 'Nuevo enlace de invitación';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64 bits)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32 bits)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Script de instalación para Linux';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universal)';
$_LANG['meshcentral_error_addon'] = 'Este complemento no tiene administración remota propia. Utilice el servicio al que pertenece o contacte con soporte.';
