{* MeshCentral block on WHMCS's service overview (tabOverviewModuleOutputTemplate: WHMCS prints it inside its own
   overview, in a "text-center module-client-area" box). Markup per theme family, found from {$template} through the
   child theme's theme.yaml parents: Six = Bootstrap 3, Twenty-One = Bootstrap 4, Nexus = its own (Bootstrap 4 class
   names). Smarty does not auto-escape: every value is escaped here, and everything from MeshCentral (device names, OS
   strings) is set by the customer's machines, so it is treated as hostile. Sites override this file in
   templates/<theme>/modules/servers/meshcentral/clientareadetails.tpl. *}
{assign var=mcFamily value=$mcTheme->family($template)}
{if $mcFamily == 'six'}
    {assign var=mcBox value='panel panel-default'}{assign var=mcHead value='panel-heading'}{assign var=mcTitle value='panel-title'}{assign var=mcBody value='panel-body'}
    {assign var=mcOn value='label label-success'}{assign var=mcOff value='label label-default'}
    {assign var=mcBtn value='btn btn-default'}{assign var=mcBtnSm value='btn btn-default btn-xs'}{assign var=mcInline value='pull-left meshcentral-inline'}
{elseif $mcFamily == 'nexus'}
    {assign var=mcBox value='card meshcentral-card'}{assign var=mcHead value='card-header'}{assign var=mcTitle value='card-title m-0 h5'}{assign var=mcBody value='card-body'}
    {assign var=mcOn value='badge badge-success'}{assign var=mcOff value='badge badge-light'}
    {assign var=mcBtn value='btn btn-default'}{assign var=mcBtnSm value='btn btn-default btn-sm'}{assign var=mcInline value='d-inline-block meshcentral-inline'}
{else}
    {assign var=mcBox value='card'}{assign var=mcHead value='card-header'}{assign var=mcTitle value='card-title m-0 h5'}{assign var=mcBody value='card-body'}
    {assign var=mcOn value='badge badge-success'}{assign var=mcOff value='badge badge-secondary'}
    {assign var=mcBtn value='btn btn-outline-secondary'}{assign var=mcBtnSm value='btn btn-outline-secondary btn-sm'}{assign var=mcInline value='d-inline-block meshcentral-inline'}
{/if}
<style>
    .meshcentral-service { text-align: left; margin-top: 15px; }
    .meshcentral-service .meshcentral-inline { margin: 0 4px 4px 0; }
    .meshcentral-service .meshcentral-command { display: block; white-space: pre-wrap; word-break: break-all; user-select: all; -webkit-user-select: all; padding: 6px 8px; margin: 4px 0; }
</style>
<div class="meshcentral-service meshcentral-{$mcFamily|escape:'htmlall'}" id="meshcentral-service" data-theme-family="{$mcFamily|escape:'htmlall'}">
<div class="{$mcBox}">
    <div class="{$mcHead}"><h3 class="{$mcTitle}">{$lang.meshcentral_title|escape:'html'}</h3></div>
    <div class="{$mcBody}">
{if $error}
    <div class="alert alert-warning" role="alert" id="meshcentral-error">{$error|escape:'html'}</div>
{/if}
{if $ready}
    <p>
        <a href="{$sso_url|escape:'htmlall'}" class="btn btn-primary" id="meshcentral-sso" target="_blank" rel="noopener">{$lang.meshcentral_open|escape:'html'}</a>
    </p>
    <p class="text-muted small">{$lang.meshcentral_open_help|escape:'html'}</p>

    <h4>{$lang.meshcentral_devices|escape:'html'}
        <small class="text-muted" id="meshcentral-counts">{$online_count|escape:'html'} {$lang.meshcentral_online|escape:'html'} / {$device_count|escape:'html'}{if $device_limit > 0} ({$lang.meshcentral_limit|escape:'html'}: {$device_limit|escape:'html'}){/if}</small>
    </h4>
    {if $devices}
    <div class="table-responsive">
        <table class="table table-striped" id="meshcentral-devices">
            <thead>
                <tr>
                    <th>{$lang.meshcentral_device|escape:'html'}</th>
                    <th>{$lang.meshcentral_os|escape:'html'}</th>
                    <th>{$lang.meshcentral_status|escape:'html'}</th>
                    <th>{$lang.meshcentral_last_seen|escape:'html'}</th>
                    <th>{$lang.meshcentral_connect|escape:'html'}</th>
                </tr>
            </thead>
            <tbody>
            {foreach $devices as $device}
                <tr class="meshcentral-device" data-node="{$device.id|escape:'htmlall'}">
                    <td class="meshcentral-device-name">{$device.name|escape:'html'}</td>
                    <td>{$device.os|escape:'html'}</td>
                    <td>{if $device.online}<span class="{$mcOn}">{$lang.meshcentral_online|escape:'html'}</span>{else}<span class="{$mcOff}">{$lang.meshcentral_offline|escape:'html'}</span>{/if}</td>
                    <td>{$device.last_seen|escape:'html'}</td>
                    <td class="meshcentral-connect">
                        {foreach $connect_modes as $cm}
                        <form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid|escape:'url'}&amp;modop=custom&amp;a=Connect" target="_blank" class="{$mcInline}">
                            <input type="hidden" name="token" value="{$token|escape:'htmlall'}">
                            <input type="hidden" name="node" value="{$device.id|escape:'htmlall'}">
                            <input type="hidden" name="mode" value="{$cm.mode|escape:'htmlall'}">
                            <button type="submit" class="{$mcBtnSm} meshcentral-connect-{$cm.mode|escape:'htmlall'}">{$cm.label|escape:'html'}</button>
                        </form>
                        {/foreach}
                    </td>
                </tr>
            {/foreach}
            </tbody>
        </table>
    </div>
    {else}
    <p class="text-muted" id="meshcentral-no-devices">{$lang.meshcentral_no_devices|escape:'html'}</p>
    {/if}

    <h4>{$lang.meshcentral_add_device|escape:'html'}</h4>
    {if $at_limit}
    <div class="alert alert-info" id="meshcentral-at-limit">{$lang.meshcentral_at_limit|escape:'html'}</div>
    {else}
    <p class="text-muted small">{$lang.meshcentral_add_device_help|escape:'html'}</p>
    <ul class="list-unstyled" id="meshcentral-installers">
        {foreach $installers as $installer}
        <li>
            <a href="{$installer.url|escape:'htmlall'}" class="meshcentral-installer" data-platform="{$installer.platform|escape:'htmlall'}" rel="nofollow">{$installer.label|escape:'html'}</a>
            {if $installer.command}
            <div class="meshcentral-install" data-platform="{$installer.platform|escape:'htmlall'}">
                <span class="text-muted small">{$lang.meshcentral_install_command|escape:'html'} &middot; {$lang.meshcentral_install_command_help|escape:'html'}</span>
                <code class="meshcentral-command meshcentral-install-command" id="meshcentral-command-{$installer.platform|escape:'htmlall'}">{$installer.command|escape:'html'}</code>
                <button type="button" class="{$mcBtnSm} meshcentral-copy" data-copy="meshcentral-command-{$installer.platform|escape:'htmlall'}" data-copied="{$lang.meshcentral_copied|escape:'htmlall'}" hidden>{$lang.meshcentral_copy|escape:'html'}</button>
            </div>
            {/if}
        </li>
        {/foreach}
    </ul>
    <h4>{$lang.meshcentral_invite|escape:'html'}</h4>
    {if $invite_url}
    <p><a href="{$invite_url|escape:'htmlall'}" id="meshcentral-invite" target="_blank" rel="noopener">{$invite_url|escape:'html'}</a>
        <span class="text-muted small">{$lang.meshcentral_invite_expires|escape:'html'}: {$invite_expires|escape:'html'}</span></p>
    {/if}
    <p class="text-muted small">{$lang.meshcentral_invite_help|escape:'html'}</p>
    <form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceid|escape:'url'}&amp;modop=custom&amp;a=InviteLink">
        <input type="hidden" name="token" value="{$token|escape:'htmlall'}">
        <button type="submit" class="{$mcBtn}" id="meshcentral-invite-new">{$lang.meshcentral_invite_new|escape:'html'}</button>
    </form>
    {/if}
{/if}
    </div>
</div>
</div>
{* The copy buttons exist only with JavaScript (hidden otherwise); without it the command is selectable text (one
   click selects all of it). No value is written into this script. *}
<script>
(function () {
    var buttons = document.querySelectorAll('#meshcentral-service .meshcentral-copy');
    Array.prototype.forEach.call(buttons, function (button) {
        button.hidden = false;
        button.addEventListener('click', function () {
            var source = document.getElementById(button.getAttribute('data-copy'));
            if (!source) { return; }
            var text = source.textContent;
            var done = function () { button.textContent = button.getAttribute('data-copied'); };
            if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(text).then(done, function () {});
            } else {
                var range = document.createRange();
                range.selectNodeContents(source);
                var selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                try { if (document.execCommand('copy')) { done(); } } catch (e) {}
            }
        });
    });
})();
</script>
