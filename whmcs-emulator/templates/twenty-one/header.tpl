{* Emulator shell of WHMCS's "twenty-one" theme (Bootstrap 4, served from Debian's libjs-bootstrap4). *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset}">
    <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
    <title>{if $pagetitle}{$pagetitle|escape:'html'} - {/if}{$companyname|escape:'html'}</title>
    <link href="{$WEB_ROOT}/templates/{$template}/css/bootstrap.min.css" rel="stylesheet">
</head>
<body class="primary-bg-color" data-template="{$template}">
<header class="header">
    <nav class="navbar navbar-expand-lg navbar-light bg-light">
        <div class="container">
            <a class="navbar-brand" href="{$WEB_ROOT}/clientarea.php">{$companyname|escape:'html'}</a>
            {if $loggedin}
                <ul class="navbar-nav mr-auto">
                    <li class="nav-item"><a class="nav-link" href="{$WEB_ROOT}/clientarea.php?action=products">{$LANG.clientareanavservices}</a></li>
                </ul>
                <span class="navbar-text">
                    {$clientsdetails.firstname|escape:'html'} {$clientsdetails.lastname|escape:'html'}
                    &middot; <a href="{$WEB_ROOT}/logout.php">{$LANG.logouttitle}</a>
                </span>
            {/if}
        </div>
    </nav>
</header>
<section id="main-body">
<div class="container">
