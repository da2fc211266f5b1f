<?php

declare(strict_types=1);

namespace WHMCS\Product;

use Illuminate\Database\Eloquent\Model;

/** The product model (tblproducts), reachable as $params['model']->product. */
class Product extends Model
{
    protected $table = 'tblproducts';
    protected $guarded = ['id'];

    public function services()
    {
        return $this->hasMany(\WHMCS\Service\Service::class, 'packageid');
    }
}
