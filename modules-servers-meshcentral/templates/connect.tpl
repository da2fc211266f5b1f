{* Custom page of the Connect function: the single-use deep link into one device, minted when the client clicked.
   The browser is sent on at once (meta refresh, no JavaScript needed); the button is the fallback. Every value is
   escaped; the device name comes from the customer's machine. *}
{assign var=mcFamily value=$mcTheme->family($template)}
<meta http-equiv="refresh" content="0;url={$connect_url|escape:'htmlall'}">
<div class="meshcentral-connect-page {if $mcFamily == 'six'}panel panel-default{else}card{/if}" id="meshcentral-connect" data-theme-family="{$mcFamily|escape:'htmlall'}">
    <div class="{if $mcFamily == 'six'}panel-body{else}card-body{/if}">
        <p><strong id="meshcentral-connect-device">{$connect_device|escape:'html'}</strong> &middot; <span id="meshcentral-connect-mode">{$connect_mode|escape:'html'}</span></p>
        <p><a href="{$connect_url|escape:'htmlall'}" class="btn btn-primary" id="meshcentral-connect-link" rel="noreferrer">{$lang.meshcentral_connect_continue|escape:'html'}</a></p>
        <p class="text-muted small">{$lang.meshcentral_connect_help|escape:'html'} {$lang.meshcentral_connect_valid_until|escape:'html'}: {$connect_valid_until|escape:'html'}</p>
    </div>
</div>
