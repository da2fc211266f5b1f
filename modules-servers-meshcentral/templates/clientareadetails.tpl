{* MeshCentral service overview. Works in the "six" (Bootstrap 3) and "twenty-one" (Bootstrap 4) themes. Smarty does
   not auto-escape: every value is escaped here, and everything that comes from MeshCentral (device names, OS strings)
   is set by the customer's machines, so it is treated as hostile. Override per theme in
   templates/<theme>/modules/servers/meshcentral/clientareadetails.tpl. *}
{if $template == 'six'}{assign var=mcBadgeOn value='label label-success'}{assign var=mcBadgeOff value='label label-default'}{assign var=mcBtn value='btn btn-default'}{else}{assign var=mcBadgeOn value='badge badge-success'}{assign var=mcBadgeOff value='badge badge-secondary'}{assign var=mcBtn value='btn btn-outline-secondary'}{/if}
<div class="meshcentral-service" id="meshcentral-service">
{if $error}
    <div class="alert alert-warning" role="alert" id="meshcentral-error">{$error|escape:'html'}</div>
{/if}
{if $ready}
    <div class="row">
        <div class="col-sm-12">
            <p>
                <a href="{$sso_url|escape:'htmlall'}" class="btn btn-primary" id="meshcentral-sso" target="_blank" rel="noopener">{$lang.meshcentral_open|escape:'html'}</a>
            </p>
            <p class="text-muted small">{$lang.meshcentral_open_help|escape:'html'}</p>
        </div>
    </div>

    <h3>{$lang.meshcentral_devices|escape:'html'}
        <small class="text-muted" id="meshcentral-counts">{$online_count|escape:'html'} {$lang.meshcentral_online|escape:'html'} / {$device_count|escape:'html'}{if $device_limit > 0} ({$lang.meshcentral_limit|escape:'html'}: {$device_limit|escape:'html'}){/if}</small>
    </h3>
    {if $devices}
    <div class="table-responsive">
        <table class="table table-striped" id="meshcentral-devices">
            <thead>
                <tr>
                    <th>{$lang.meshcentral_device|escape:'html'}</th>
                    <th>{$lang.meshcentral_os|escape:'html'}</th>
                    <th>{$lang.meshcentral_status|escape:'html'}</th>
                    <th>{$lang.meshcentral_last_seen|escape:'html'}</th>
                </tr>
            </thead>
            <tbody>
            {foreach $devices as $device}
                <tr class="meshcentral-device">
                    <td class="meshcentral-device-name">{$device.name|escape:'html'}</td>
                    <td>{$device.os|escape:'html'}</td>
                    <td>{if $device.online}<span class="{$mcBadgeOn}">{$lang.meshcentral_online|escape:'html'}</span>{else}<span class="{$mcBadgeOff}">{$lang.meshcentral_offline|escape:'html'}</span>{/if}</td>
                    <td>{$device.last_seen|escape:'html'}</td>
                </tr>
            {/foreach}
            </tbody>
        </table>
    </div>
    {else}
    <p class="text-muted" id="meshcentral-no-devices">{$lang.meshcentral_no_devices|escape:'html'}</p>
    {/if}

    <h3>{$lang.meshcentral_add_device|escape:'html'}</h3>
    {if $at_limit}
    <div class="alert alert-info" id="meshcentral-at-limit">{$lang.meshcentral_at_limit|escape:'html'}</div>
    {else}
    <p class="text-muted small">{$lang.meshcentral_add_device_help|escape:'html'}</p>
    <ul class="list-unstyled" id="meshcentral-installers">
        {foreach $installers as $installer}
        <li><a href="{$installer.url|escape:'htmlall'}" class="meshcentral-installer" data-platform="{$installer.platform|escape:'htmlall'}" rel="nofollow">{$installer.label|escape:'html'}</a>{if $installer.command}: <code class="meshcentral-install-command">{$installer.command|escape:'html'}</code>{/if}</li>
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
