<?php

declare(strict_types=1);

namespace WHMCS\Product;

use Illuminate\Database\Eloquent\Model;

/** The server model (tblservers), reachable as $params['model']->serverModel; its password column is encrypted. */
class Server extends Model
{
    protected $table = 'tblservers';
    protected $guarded = ['id'];
    protected $hidden = ['password'];
}
