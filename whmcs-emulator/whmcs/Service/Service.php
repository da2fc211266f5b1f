<?php

declare(strict_types=1);

namespace WHMCS\Service;

use Illuminate\Database\Eloquent\Model;

/**
 * The service model WHMCS passes as $params['model'] (tblhosting). Like WHMCS's, it maps a few readable names onto
 * the legacy columns (clientId => userid, status => domainstatus, ...) and offers ->serviceProperties.
 */
class Service extends Model
{
    protected $table = 'tblhosting';
    protected $guarded = ['id'];
    protected $hidden = ['password'];

    /** @var array<string, string> WHMCS's columnMap (a subset) */
    protected array $columnMap = [
        'clientId' => 'userid',
        'productId' => 'packageid',
        'serverId' => 'server',
        'registrationDate' => 'regdate',
        'paymentGateway' => 'paymentmethod',
        'status' => 'domainstatus',
        'bandwidthUsage' => 'bwusage',
        'bandwidthLimit' => 'bwlimit',
        'lastUpdateDate' => 'lastupdate',
        'recurringAmount' => 'amount',
        'subscriptionId' => 'subscriptionid',
    ];

    public function getAttribute($key)
    {
        return parent::getAttribute($this->columnMap[$key] ?? $key);
    }

    public function setAttribute($key, $value)
    {
        return parent::setAttribute($this->columnMap[$key] ?? $key, $value);
    }

    public function getServicePropertiesAttribute(): Properties
    {
        return new Properties($this);
    }

    public function client()
    {
        return $this->belongsTo(\WHMCS\User\Client::class, 'userid');
    }

    public function product()
    {
        return $this->belongsTo(\WHMCS\Product\Product::class, 'packageid');
    }

    public function serverModel()
    {
        return $this->belongsTo(\WHMCS\Product\Server::class, 'server');
    }

    public function isService(): bool
    {
        return true;
    }

    public function isAddon(): bool
    {
        return false;
    }
}
