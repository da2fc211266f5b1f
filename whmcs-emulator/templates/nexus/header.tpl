{* Emulator shell of WHMCS 9's "Nexus" theme: Bootstrap 4 class names (as Nexus's public templates use: card,
   float-right, col-sm-*, btn-default) served from Debian's libjs-bootstrap4, plus the emulator's css/theme.css for
   Nexus's own look. *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{if $pagetitle}{$pagetitle|escape:'html'} - {/if}{$companyname|escape:'html'}</title>
    <link href="{$WEB_ROOT}/templates/{$template|escape:'url'}/css/bootstrap.min.css" rel="stylesheet">
    <link href="{$WEB_ROOT}/templates/{$template|escape:'url'}/css/theme.css" rel="stylesheet">
</head>
<body class="nexus" data-template="{$template|escape:'htmlall'}">
<header class="nexus-header">
    <nav class="navbar navbar-expand-lg navbar-dark">
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
