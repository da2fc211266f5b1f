{* Emulator shell of WHMCS's "six" theme (Bootstrap 3.4, served from Debian's libjs-bootstrap). *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{if $pagetitle}{$pagetitle|escape:'html'} - {/if}{$companyname|escape:'html'}</title>
    <link href="{$WEB_ROOT}/templates/{$template}/css/bootstrap.min.css" rel="stylesheet">
</head>
<body data-template="{$template}">
<nav class="navbar navbar-default">
    <div class="container">
        <div class="navbar-header">
            <a class="navbar-brand" href="{$WEB_ROOT}/clientarea.php">{$companyname|escape:'html'}</a>
        </div>
        {if $loggedin}
            <ul class="nav navbar-nav">
                <li><a href="{$WEB_ROOT}/clientarea.php?action=products">{$LANG.clientareanavservices}</a></li>
            </ul>
            <p class="navbar-text navbar-right">
                {$clientsdetails.firstname|escape:'html'} {$clientsdetails.lastname|escape:'html'}
                &middot; <a href="{$WEB_ROOT}/logout.php" class="navbar-link">{$LANG.logouttitle}</a>
            </p>
        {/if}
    </div>
</nav>
<section id="main-body">
<div class="container">
