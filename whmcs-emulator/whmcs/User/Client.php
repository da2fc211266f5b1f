<?php

declare(strict_types=1);

namespace WHMCS\User;

use Illuminate\Database\Eloquent\Model;

/** The client model (tblclients), reachable as $params['model']->client. */
class Client extends Model
{
    protected $table = 'tblclients';
    protected $guarded = ['id'];
    protected $hidden = ['password'];

    public function services()
    {
        return $this->hasMany(\WHMCS\Service\Service::class, 'userid');
    }
}
