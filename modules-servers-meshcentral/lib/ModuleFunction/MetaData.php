<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\ModuleFunction;

use WHMCS\Module\Server\Meshcentral\Config\ProductSettings;
use WHMCS\Module\Server\Meshcentral\Support\Lang;

/** What WHMCS shows and needs to know about the module (server type, SSO labels, Server Sync fields). */
final class MetaData
{
    /** @return array<string, mixed> */
    public function __invoke(): array
    {
        return [
            'DisplayName' => 'MeshCentral',
            'APIVersion' => '1.1',
            'RequiresServer' => true,
            'DefaultSSLPort' => '443',
            'DefaultNonSSLPort' => '80',
            // Shown to the client on the service page (WHMCS's own SSO button): in the reader's language.
            'ServiceSingleSignOnLabel' => Lang::get('open', Lang::active()),
            'AdminSingleSignOnLabel' => 'Open MeshCentral (service account)',
            'ListAccountsUniqueIdentifierField' => 'username',
            'ListAccountsUniqueIdentifierDisplayName' => 'MeshCentral user',
            'ListAccountsProductField' => 'configoption' . ProductSettings::RIGHTS_PRESET,
        ];
    }
}
