<?php

// Português (Brasil) texts of the MeshCentral module (WHMCS client-area language file name: portuguese-br.php). Same keys as
// english.php; tests/php/Module/LangFilesTest.php checks keys and placeholders.
$_LANG['meshcentral_open'] = 'Abrir o MeshCentral';
$_LANG['meshcentral_open_help'] = 'Faz o seu login no console de gerenciamento remoto. O link funciona uma única vez.';
$_LANG['meshcentral_add_device'] = 'Adicionar um dispositivo';
$_LANG['meshcentral_add_device_help'] = 'Baixe o agente para o sistema do dispositivo e execute-o nele. O dispositivo entra apenas no seu grupo de dispositivos.';
$_LANG['meshcentral_invite'] = 'Link de convite';
$_LANG['meshcentral_invite_help'] = 'Envie esta página para quem vai configurar o dispositivo; ela oferece o instalador para o sistema dessa pessoa.';
$_LANG['meshcentral_invite_new'] = 'Criar um novo link de convite';
$_LANG['meshcentral_invite_expires'] = 'Expira em';
$_LANG['meshcentral_devices'] = 'Dispositivos';
$_LANG['meshcentral_device'] = 'Dispositivo';
$_LANG['meshcentral_os'] = 'Sistema operacional';
$_LANG['meshcentral_status'] = 'Status';
$_LANG['meshcentral_last_seen'] = 'Visto por último';
$_LANG['meshcentral_online'] = 'Online';
$_LANG['meshcentral_offline'] = 'Offline';
$_LANG['meshcentral_no_devices'] = 'Nenhum dispositivo ainda. Instale o agente em um dispositivo para vê-lo aqui.';
$_LANG['meshcentral_limit'] = 'Limite de dispositivos';
$_LANG['meshcentral_at_limit'] = 'O limite de dispositivos do seu plano foi atingido: remova um dispositivo ou faça um upgrade para adicionar mais.';
$_LANG['meshcentral_suspended'] = 'Este serviço está suspenso.';
$_LANG['meshcentral_not_ready'] = 'Seu serviço de gerenciamento remoto está sendo configurado.';
$_LANG['meshcentral_error_generic'] = 'O gerenciamento remoto está indisponível no momento. Tente novamente mais tarde ou entre em contato com o suporte.';
$_LANG['meshcentral_inactive'] = 'Este serviço não está ativo.';
$_LANG['meshcentral_error_sso'] = 'O acesso ao gerenciamento remoto fica disponível assim que o seu serviço estiver ativo. Entre em contato com o suporte se ele já deveria estar.';
$_LANG['meshcentral_error_invite'] = 'Não foi possível criar um novo link de convite. Tente novamente mais tarde ou entre em contato com o suporte.';
$_LANG['meshcentral_error_password'] = 'Não foi possível alterar a senha agora. Tente novamente mais tarde ou entre em contato com o suporte.';
$_LANG['meshcentral_button_invite'] = 'Novo link de convite';
$_LANG['meshcentral_platform_windows_x64'] = 'Windows (64 bits)';
$_LANG['meshcentral_platform_windows_x86'] = 'Windows (32 bits)';
$_LANG['meshcentral_platform_windows_arm64'] = 'Windows (ARM64)';
$_LANG['meshcentral_platform_linux_x64'] = 'Linux (x86-64)';
$_LANG['meshcentral_platform_linux_script'] = 'Script de instalação para Linux';
$_LANG['meshcentral_platform_macos'] = 'macOS (Universal)';
$_LANG['meshcentral_error_addon'] = 'Este addon não tem gerenciamento remoto próprio. Use o serviço ao qual ele pertence ou entre em contato com o suporte.';
