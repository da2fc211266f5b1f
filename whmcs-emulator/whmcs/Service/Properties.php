<?php

declare(strict_types=1);

namespace WHMCS\Service;

use Illuminate\Database\Capsule\Manager as Capsule;

/**
 * Service properties (WHMCS 7.2+): key/value data of a service kept in product custom fields.
 * - A few names are native tblhosting columns: Username, Password (stored encrypted), Domain, License Key (the
 *   domain column), Dedicated IP, Disk Usage, Disk Limit, Bandwidth Usage, Bandwidth Limit, Last Update,
 *   Subscription ID; saving them writes the column.
 * - Any other name is a custom field of the product, matched as "name" or "name|Label", created on first save as an
 *   admin-only field (type text, or the 'type' of a ['type' => ..., 'value' => ...] value).
 * - get() of a field that does not exist is ''; of an existing field without a value for this service, null.
 */
class Properties
{
    private const NATIVE = [
        'username' => 'Username',
        'password' => 'Password',
        'domain' => 'Domain',
        'license' => 'License Key',
        'dedicatedip' => 'Dedicated IP',
        'diskusage' => 'Disk Usage',
        'disklimit' => 'Disk Limit',
        'bwusage' => 'Bandwidth Usage',
        'bwlimit' => 'Bandwidth Limit',
        'lastupdate' => 'Last Update',
        'subscriptionid' => 'Subscription ID',
    ];

    public function __construct(private readonly Service $model)
    {
    }

    /** @param array<string, mixed> $data */
    public function save(array $data): bool
    {
        $columns = [];
        foreach ($data as $name => $value) {
            $column = $this->nativeColumn((string) $name);
            if ($column !== null) {
                $columns[$column] = $value;
                continue;
            }
            $name = $this->displayName((string) $name);
            $type = 'text';
            if (is_array($value)) {
                $type = (string) ($value['type'] ?? 'text');
                $value = $value['value'] ?? '';
            }
            $fieldId = $this->fieldId($name) ?? (int) Capsule::table('tblcustomfields')->insertGetId([
                'type' => 'product',
                'relid' => (int) $this->model->packageid,
                'fieldname' => $name,
                'fieldtype' => $type,
                'adminonly' => 'on',
            ]);
            Capsule::table('tblcustomfieldsvalues')->updateOrInsert(
                ['fieldid' => $fieldId, 'relid' => (int) $this->model->id],
                ['value' => (string) $value]
            );
        }
        if ($columns !== []) {
            if (array_key_exists('password', $columns)) {
                $columns['password'] = encrypt((string) $columns['password']);
            }
            Capsule::table('tblhosting')->where('id', (int) $this->model->id)->update($columns);
        }
        return true;
    }

    public function get($name)
    {
        $column = $this->nativeColumn((string) $name);
        if ($column !== null) {
            return Capsule::table('tblhosting')->where('id', (int) $this->model->id)->value($column);
        }
        $fieldId = $this->fieldId($this->displayName((string) $name));
        if ($fieldId === null) {
            return '';
        }
        return Capsule::table('tblcustomfieldsvalues')
            ->where('fieldid', $fieldId)->where('relid', (int) $this->model->id)->value('value');
    }

    private function nativeColumn(string $name): ?string
    {
        $key = strtolower($name);
        if (!array_key_exists($key, self::NATIVE)) {
            return null;
        }
        return $key === 'license' ? 'domain' : $key;
    }

    private function displayName(string $name): string
    {
        return self::NATIVE[strtolower($name)] ?? $name;
    }

    private function fieldId(string $name): ?int
    {
        $base = Capsule::table('tblcustomfields')->where('type', 'product')
            ->where('relid', (int) $this->model->packageid);
        $id = (clone $base)->where('fieldname', $name)->value('id')
            ?? (clone $base)->where('fieldname', 'like', $name . '|%')->value('id');
        return $id === null ? null : (int) $id;
    }
}
