<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Meshcentral\Storage;

use WHMCS\Database\Capsule;

/**
 * The configurable options of services the module is NOT called for (UsageUpdate runs once per server, without any
 * service's `$params`), read from WHMCS's own tables in the shape WHMCS passes them as `$params['configoptions']`:
 * keyed by the option name before any `|`; a dropdown or radio option (types 1, 2) as its chosen sub-option's name
 * before any `|`, a yes/no or quantity option (types 3, 4) as the quantity. Only the options the module reads
 * (Config\ServicePlan) are fetched.
 */
final class ConfigurableOptions
{
    /**
     * @param list<int> $serviceIds
     * @param list<string> $names option names (before `|`)
     * @return array<int, array<string, int|string>> service id => option name => value
     */
    public static function ofServices(array $serviceIds, array $names): array
    {
        if ($serviceIds === []) {
            return [];
        }
        $rows = Capsule::table('tblhostingconfigoptions')
            ->join('tblproductconfigoptions', 'tblproductconfigoptions.id', '=', 'tblhostingconfigoptions.configid')
            ->leftJoin('tblproductconfigoptionssub', 'tblproductconfigoptionssub.id', '=', 'tblhostingconfigoptions.optionid')
            ->whereIn('tblhostingconfigoptions.relid', $serviceIds)
            ->get([
                'tblhostingconfigoptions.relid as service_id',
                'tblhostingconfigoptions.qty as qty',
                'tblproductconfigoptions.optionname as option_name',
                'tblproductconfigoptions.optiontype as option_type',
                'tblproductconfigoptionssub.optionname as sub_name',
            ]);
        $out = [];
        foreach ($rows as $row) {
            $name = explode('|', (string) $row->option_name, 2)[0];
            if (!in_array($name, $names, true)) {
                continue;
            }
            $out[(int) $row->service_id][$name] = in_array((int) $row->option_type, [1, 2], true)
                ? explode('|', (string) ($row->sub_name ?? ''), 2)[0]
                : (int) $row->qty;
        }
        return $out;
    }
}
