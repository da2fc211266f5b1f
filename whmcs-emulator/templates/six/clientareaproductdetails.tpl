{include file="header.tpl" pagetitle=$displayTitle}

<h1>{$displayTitle|escape:'html'}</h1>

{if $modulecustombuttonresult}
    {if $modulecustombuttonresult == "success"}
        <div class="alert alert-success" id="alertModuleCustomButtonSuccess">{$LANG.moduleactionsuccess}</div>
    {else}
        <div class="alert alert-danger" id="alertModuleCustomButtonFailed">{$LANG.moduleactionfailed}: {$modulecustombuttonresult|escape:'html'}</div>
    {/if}
{/if}
{if $ssoerror}
    <div class="alert alert-danger" id="alertSsoError">{$LANG.ssounabletologin}: {$ssoerror|escape:'html'}</div>
{/if}
{if $modulechangepwresult}
    {if $modulechangepwresult == "success"}
        <div class="alert alert-success" id="alertChangePasswordSuccess">{$LANG.serverchangepasswordsuccessful}</div>
    {else}
        <div class="alert alert-danger" id="alertChangePasswordFailed">{$LANG.serverchangepasswordfailed}: {$modulechangepasswordmessage|escape:'html'}</div>
    {/if}
{/if}

<div class="row">
    <div class="col-md-3">
        <div class="panel panel-default" id="servicesActions">
            <div class="panel-heading"><h3 class="panel-title">Actions</h3></div>
            <div class="panel-body">
                {if $showSingleSignOn}
                    <a href="clientarea.php?action=productdetails&amp;id={$id}&amp;dosinglesignon=1" class="btn btn-primary btn-block" id="btnServiceSingleSignOn">{$singleSignOnLabel|escape:'html'}</a>
                {/if}
                {foreach $modulecustombuttons as $label => $command}
                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$id}&amp;modop=custom&amp;a={$command|escape:'url'}">
                        <input type="hidden" name="token" value="{$token}">
                        <button type="submit" class="btn btn-default btn-block">{$label|escape:'html'}</button>
                    </form>
                {/foreach}
            </div>
        </div>
    </div>
    <div class="col-md-9">
        <div class="tab-content">
            <div class="tab-pane active" id="tabOverview">
                {if $tabOverviewReplacementTemplate}
                    {include file=$tabOverviewReplacementTemplate}
                {else}
                    <div class="panel panel-default" id="productDetailsPanel">
                        <div class="panel-heading"><h3 class="panel-title">{$LANG.clientareaproductdetails}</h3></div>
                        <div class="panel-body">
                            <div class="row"><div class="col-sm-5">{$LANG.orderproduct}</div><div class="col-sm-7">{$groupname|escape:'html'} - {$product|escape:'html'}</div></div>
                            <div class="row"><div class="col-sm-5">{$LANG.clientareahostingregdate}</div><div class="col-sm-7">{$regdate|escape:'html'}</div></div>
                            {if $domain}<div class="row"><div class="col-sm-5">{$LANG.orderdomain}</div><div class="col-sm-7">{$domain|escape:'html'}</div></div>{/if}
                            {if $username}<div class="row"><div class="col-sm-5">{$LANG.serverusername}</div><div class="col-sm-7">{$username|escape:'html'}</div></div>{/if}
                            <div class="row"><div class="col-sm-5">{$LANG.clientareastatus}</div><div class="col-sm-7"><span class="label label-{$rawstatus|escape:'htmlall'}" id="serviceStatus">{$status|escape:'html'}</span></div></div>
                            {if $suspendreason}<div class="row"><div class="col-sm-5">{$LANG.suspendreason}</div><div class="col-sm-7">{$suspendreason|escape:'html'}</div></div>{/if}
                            {foreach $productcustomfields as $customfield}
                                <div class="row"><div class="col-sm-5">{$customfield.name|escape:'html'}</div><div class="col-sm-7">{$customfield.value|escape:'html'}</div></div>
                            {/foreach}
                        </div>
                    </div>
                    {if $tabOverviewModuleOutputTemplate}
                        <div class="module-output" id="moduleOutput">{include file=$tabOverviewModuleOutputTemplate}</div>
                    {/if}
                    {if $moduleclientarea}
                        <div class="text-center module-client-area" id="moduleClientArea">{$moduleclientarea}</div>
                    {/if}
                {/if}
            </div>
        </div>
    </div>
</div>

{if $showChangePassword}
<div class="panel panel-default" id="tabChangepw">
    <h3>{$LANG.serverchangepassword}</h3>
    <form method="post" action="clientarea.php?action=productdetails&amp;id={$id}#tabChangepw">
        <input type="hidden" name="token" value="{$token}">
        <input type="hidden" name="id" value="{$id}">
        <input type="hidden" name="modulechangepassword" value="true">
        <label>{$LANG.newpassword} <input type="password" name="newpw" autocomplete="off"></label>
        <label>{$LANG.confirmnewpassword} <input type="password" name="confirmpw" autocomplete="off"></label>
        <button type="submit" class="btn btn-primary">{$LANG.serverchangepassword}</button>
    </form>
</div>
{/if}

{include file="footer.tpl"}
