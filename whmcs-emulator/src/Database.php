<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

use Illuminate\Database\Capsule\Manager as Capsule;
use Illuminate\Database\Schema\Blueprint;

/**
 * The WHMCS database, reduced to the tables a provisioning module and the client area touch, with WHMCS's own table
 * and column names (MySQL in WHMCS, SQLite here; modules only see it through Capsule, so the engine does not show).
 */
final class Database
{
    public static function connect(string $sqliteFile): Capsule
    {
        if (!is_file($sqliteFile)) {
            // Laravel's SQLite connector refuses a missing file instead of creating it.
            touch($sqliteFile);
        }
        $capsule = new Capsule();
        $capsule->addConnection([
            'driver' => 'sqlite',
            'database' => $sqliteFile,
            'prefix' => '',
            'foreign_key_constraints' => false,
        ]);
        // The test process and the built-in web server share the file; wait for a lock rather than fail.
        $capsule->getConnection()->getPdo()->exec('PRAGMA busy_timeout = 10000');
        return $capsule;
    }

    public static function createSchema(Capsule $capsule): void
    {
        $schema = $capsule->getConnection()->getSchemaBuilder();
        $text = static function (Blueprint $t, string ...$columns): void {
            foreach ($columns as $c) {
                $t->text($c)->default('');
            }
        };

        $schema->create('tblconfiguration', static function (Blueprint $t) use ($text): void {
            $t->string('setting')->primary();
            $text($t, 'value');
            $t->timestamps();
        });
        $schema->create('tblclients', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $text($t, 'uuid', 'firstname', 'lastname', 'companyname', 'email', 'address1', 'address2', 'city', 'state');
            $text($t, 'postcode', 'country', 'phonenumber', 'password', 'language', 'notes');
            $t->string('status')->default('Active');
            $t->date('datecreated')->nullable();
            $t->timestamps();
        });
        $schema->create('tblproductgroups', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $text($t, 'name', 'headline', 'tagline');
            $t->integer('hidden')->default(0);
            $t->integer('order')->default(0);
            $t->timestamps();
        });
        $schema->create('tblproducts', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->string('type')->default('hostingaccount');
            $t->integer('gid')->default(0);
            $text($t, 'name', 'description', 'paytype', 'autosetup', 'servertype');
            $t->integer('hidden')->default(0);
            $t->integer('servergroup')->default(0);
            for ($i = 1; $i <= 24; $i++) {
                $text($t, 'configoption' . $i);
            }
            $t->timestamps();
        });
        $schema->create('tblservers', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $text($t, 'name', 'ipaddress', 'assignedips', 'hostname', 'type', 'username', 'password', 'accesshash');
            // WHMCS stores the "Secure" tick as 'on' / ''.
            $text($t, 'secure');
            $t->integer('port')->nullable();
            $t->integer('maxaccounts')->default(0);
            $t->integer('active')->default(0);
            $t->integer('disabled')->default(0);
            $t->timestamps();
        });
        $schema->create('tblhosting', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->integer('userid');
            $t->integer('orderid')->default(0);
            $t->integer('packageid');
            $t->integer('server')->default(0);
            $t->date('regdate')->nullable();
            $text($t, 'domain', 'paymentmethod', 'billingcycle', 'username', 'password', 'notes', 'subscriptionid');
            $t->decimal('firstpaymentamount', 16, 2)->default(0);
            $t->decimal('amount', 16, 2)->default(0);
            $t->date('nextduedate')->nullable();
            $t->date('nextinvoicedate')->nullable();
            $t->date('termination_date')->nullable();
            $t->date('completed_date')->nullable();
            // Pending / Active / Suspended / Terminated / Cancelled / Fraud / Completed
            $t->string('domainstatus')->default('Pending');
            $text($t, 'suspendreason', 'overideautosuspend', 'dedicatedip', 'assignedips', 'ns1', 'ns2');
            $t->integer('promoid')->default(0);
            $t->date('overidesuspenduntil')->nullable();
            $t->integer('diskusage')->default(0);
            $t->integer('disklimit')->default(0);
            $t->integer('bwusage')->default(0);
            $t->integer('bwlimit')->default(0);
            $t->dateTime('lastupdate')->nullable();
            $t->timestamps();
        });
        $schema->create('tblcustomfields', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->string('type')->default('product');
            $t->integer('relid')->default(0);
            $text($t, 'fieldname', 'description', 'fieldoptions', 'regexpr', 'adminonly', 'required', 'showorder');
            $text($t, 'showinvoice');
            $t->string('fieldtype')->default('text');
            $t->integer('sortorder')->default(0);
            $t->timestamps();
        });
        $schema->create('tblcustomfieldsvalues', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->integer('fieldid');
            $t->integer('relid');
            $text($t, 'value');
            $t->timestamps();
        });
        $schema->create('tblproductconfiggroups', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $text($t, 'name', 'description');
        });
        $schema->create('tblproductconfiglinks', static function (Blueprint $t): void {
            $t->increments('id');
            $t->integer('gid');
            $t->integer('pid');
        });
        $schema->create('tblproductconfigoptions', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->integer('gid');
            $text($t, 'optionname');
            // 1 dropdown, 2 radio, 3 yes/no, 4 quantity
            $t->integer('optiontype');
            $t->integer('qtyminimum')->default(0);
            $t->integer('qtymaximum')->default(0);
            $t->integer('order')->default(0);
            $t->integer('hidden')->default(0);
        });
        $schema->create('tblproductconfigoptionssub', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->integer('configid');
            $text($t, 'optionname');
            $t->integer('sortorder')->default(0);
            $t->integer('hidden')->default(0);
        });
        $schema->create('tblhostingconfigoptions', static function (Blueprint $t): void {
            $t->increments('id');
            $t->integer('relid');
            $t->integer('configid');
            $t->integer('optionid')->default(0);
            $t->integer('qty')->default(0);
        });
        $schema->create('tblmodulelog', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->dateTime('date');
            $text($t, 'module', 'action', 'request', 'response', 'arrdata');
        });
        // Usage billing's collected metric usage. WHMCS's developer docs do not document where the cron stores what
        // MetricProvider reports. tbltenant_stats (values per tenant and metric) has the name and columns of WHMCS's
        // table as public WHMCS schema dumps show it; which table its tenant_id points at is not public, so
        // emulator_tenants (one row per server and tenant) is the emulator's own. Modules must not depend on either.
        $schema->create('emulator_tenants', static function (Blueprint $t): void {
            $t->increments('id');
            $t->integer('server_id');
            $t->string('tenant');
            $t->timestamps();
            $t->unique(['server_id', 'tenant']);
        });
        $schema->create('tbltenant_stats', static function (Blueprint $t): void {
            $t->increments('id');
            $t->integer('tenant_id');
            $t->string('metric');
            $t->string('type');
            $t->decimal('value', 19, 6)->default(0);
            $t->decimal('measured_at', 18, 6)->default(0);
            $t->integer('invoice_id')->default(0);
            $t->timestamps();
        });
        $schema->create('tblactivitylog', static function (Blueprint $t) use ($text): void {
            $t->increments('id');
            $t->dateTime('date');
            $text($t, 'description', 'user', 'ipaddr');
            $t->integer('userid')->default(0);
        });
    }
}
