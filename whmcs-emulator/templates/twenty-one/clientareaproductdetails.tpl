{* Emulator of Twenty-One's clientareaproductdetails.tpl (WHMCS/templates-twenty-one): the same branches and
   variables. A module's tabOverviewReplacementTemplate arrives as $tplOverviewTabOutput and replaces the WHOLE
   overview (status, dates, amounts, billing cycle, payment method, Upgrade/Cancel, the tabs below it, usage billing);
   module output (tabOverviewModuleOutputTemplate, a string, clientarea.tpl) arrives as $moduleclientarea and is
   printed in the "Manage" tab, or in the domain tab when the service has a domain. Values are escaped here (the real
   theme prints most raw); the ids are the emulator's, for tests. *}
{include file="header.tpl" pagetitle=$displayTitle}

<h1>{$displayTitle|escape:'html'}</h1>

{if $modulecustombuttonresult}
    {if $modulecustombuttonresult == "success"}
        <div class="alert alert-success text-center" id="alertModuleCustomButtonSuccess">{$LANG.moduleactionsuccess}</div>
    {else}
        <div class="alert alert-danger text-center" id="alertModuleCustomButtonFailed">{$LANG.moduleactionfailed}: {$modulecustombuttonresult|escape:'html'}</div>
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
    <div class="col-lg-3 sidebar">
        <div class="card" id="servicesActions">
            <div class="card-header"><h3 class="card-title m-0">{$LANG.actions}</h3></div>
            <div class="card-body">
                {if $showSingleSignOn}
                    <a href="clientarea.php?action=productdetails&amp;id={$id}&amp;dosinglesignon=1" class="btn btn-primary btn-block" id="btnServiceSingleSignOn">{$singleSignOnLabel|escape:'html'}</a>
                {/if}
                {foreach $modulecustombuttons as $label => $command}
                    <form method="post" action="clientarea.php?action=productdetails&amp;id={$id}&amp;modop=custom&amp;a={$command|escape:'url'}">
                        <input type="hidden" name="token" value="{$token}">
                        <button type="submit" class="btn btn-secondary btn-block">{$label|escape:'html'}</button>
                    </form>
                {/foreach}
            </div>
        </div>
    </div>
    <div class="col-lg-9 primary-content">
<div class="tab-content margin-bottom">
    <div class="tab-pane fade show active" role="tabpanel" id="tabOverview">
        {if $tplOverviewTabOutput}
            {$tplOverviewTabOutput}
        {else}
        <div class="card" id="productDetailsPanel">
            <div class="card-body">
                <div class="product-details">
                    <div class="row">
                        <div class="col-md-6">
                            <div class="product-status product-status-{$rawstatus|escape:'htmlall'} mb-3 text-center">
                                <h3>{$product|escape:'html'}</h3>
                                <h4>{$groupname|escape:'html'}</h4>
                                <div class="product-status-text"><span class="badge badge-{$rawstatus|escape:'htmlall'}" id="serviceStatus">{$status|escape:'html'}</span></div>
                            </div>
                            {if $showcancelbutton || $packagesupgrade}
                                <div class="row">
                                    {if $packagesupgrade}
                                        <div class="col-{if $showcancelbutton}6{else}12{/if}"><a href="upgrade.php?type=package&amp;id={$id}" class="btn btn-block btn-success" id="btnUpgrade">{$LANG.upgrade}</a></div>
                                    {/if}
                                    {if $showcancelbutton}
                                        <div class="col-{if $packagesupgrade}6{else}12{/if}"><a href="clientarea.php?action=cancel&amp;id={$id}" class="btn btn-block btn-danger{if $pendingcancellation} disabled{/if}" id="btnCancelRequest">{if $pendingcancellation}{$LANG.cancellationrequested}{else}{$LANG.clientareacancelrequestbutton}{/if}</a></div>
                                    {/if}
                                </div>
                            {/if}
                        </div>
                        <div class="col-md-6 text-center">
                            <h4>{$LANG.clientareahostingregdate}</h4>
                            <span id="overviewRegDate">{$regdate|escape:'html'}</span>
                            {if $firstpaymentamount neq $recurringamount}
                                <h4>{$LANG.firstpaymentamount}</h4>
                                <span id="overviewFirstPayment">{$firstpaymentamount|escape:'html'}</span>
                            {/if}
                            {if $billingcycle != $LANG.orderpaymenttermonetime && $billingcycle != $LANG.orderfree}
                                <h4>{$LANG.recurringamount}</h4>
                                <span id="overviewRecurringAmount">{$recurringamount|escape:'html'}</span>
                            {/if}
                            <h4>{$LANG.orderbillingcycle}</h4>
                            <span id="overviewBillingCycle">{$billingcycle|escape:'html'}</span>
                            <h4>{$LANG.clientareahostingnextduedate}</h4>
                            <span id="overviewNextDueDate">{$nextduedate|escape:'html'}</span>
                            <h4>{$LANG.orderpaymentmethod}</h4>
                            <span id="overviewPaymentMethod">{$paymentmethod|escape:'html'}</span>
                            {if $suspendreason}
                                <h4>{$LANG.suspendreason}</h4>
                                {$suspendreason|escape:'html'}
                            {/if}
                        </div>
                    </div>
                </div>
            </div>
        </div>

            {foreach $hookOutput as $output}
                <div>{$output}</div>
            {/foreach}

            {if $domain || $moduleclientarea || $configurableoptions || $customfields || $lastupdate || $metricStats}
                <ul class="nav nav-tabs responsive-tabs-sm" id="productDetailsTabs">
                    {if $domain}
                        <li class="nav-item"><a href="#domain" data-toggle="tab" class="nav-link active">{$LANG.clientareahostingdomain}</a></li>
                    {elseif $moduleclientarea}
                        <li class="nav-item"><a href="#manage" data-toggle="tab" class="nav-link active">{$LANG.manage}</a></li>
                    {/if}
                    {if $configurableoptions}
                        <li class="nav-item"><a href="#configoptions" data-toggle="tab" class="nav-link{if !$domain && !$moduleclientarea} active{/if}">{$LANG.orderconfigpackage}</a></li>
                    {/if}
                    {if $metricStats}
                        <li class="nav-item"><a href="#metrics" data-toggle="tab" class="nav-link{if !$domain && !$moduleclientarea && !$configurableoptions} active{/if}" id="tabLinkMetrics">{$LANG['metrics.title']}</a></li>
                    {/if}
                    {if $customfields}
                        <li class="nav-item"><a href="#additionalinfo" data-toggle="tab" class="nav-link{if !$domain && !$moduleclientarea && !$metricStats && !$configurableoptions} active{/if}">{$LANG.additionalInfo}</a></li>
                    {/if}
                    {if $lastupdate}
                        <li class="nav-item"><a href="#resourceusage" data-toggle="tab" class="nav-link{if !$domain && !$moduleclientarea && !$configurableoptions && !$customfields} active{/if}">{$LANG.resourceUsage}</a></li>
                    {/if}
                </ul>
                <div class="tab-content bg-white product-details-tab-container">
                    {if $domain}
                        <div class="tab-pane fade show active text-center" role="tabpanel" id="domain">
                            <div class="row"><div class="col-sm-5 text-right"><strong>{$LANG.orderdomain}</strong></div><div class="col-sm-7 text-left">{$domain|escape:'html'}</div></div>
                            {if $username}<div class="row"><div class="col-sm-5 text-right"><strong>{$LANG.serverusername}</strong></div><div class="col-sm-7 text-left">{$username|escape:'html'}</div></div>{/if}
                            {if $moduleclientarea}
                                <div class="text-center module-client-area" id="moduleClientArea">{$moduleclientarea}</div>
                            {/if}
                        </div>
                    {elseif $moduleclientarea}
                        <div class="tab-pane fade show active text-center" role="tabpanel" id="manage">
                            <div class="text-center module-client-area" id="moduleClientArea">{$moduleclientarea}</div>
                        </div>
                    {/if}
                    {if $configurableoptions}
                        <div class="tab-pane fade{if !$domain && !$moduleclientarea} show active{/if} text-center" role="tabpanel" id="configoptions">
                            {foreach $configurableoptions as $configoption}
                                <div class="row"><div class="col-sm-5"><strong>{$configoption.optionname|escape:'html'}</strong></div><div class="col-sm-7 text-left">{$configoption.selectedoption|escape:'html'}</div></div>
                            {/foreach}
                        </div>
                    {/if}
                    {if $metricStats}
                        <div class="tab-pane fade{if !$domain && !$moduleclientarea && !$configurableoptions} show active{/if}" role="tabpanel" id="metrics">
                            <table class="table" id="metricStats"><thead><tr><th>{$LANG['metrics.title']}</th><th>{$LANG['metrics.currentUsage']}</th></tr></thead><tbody>
                            {foreach $metricStats as $metric}<tr><td>{$metric.displayName|escape:'html'}</td><td>{$metric.currentValue|escape:'html'}</td></tr>{/foreach}
                            </tbody></table>
                        </div>
                    {/if}
                    {if $customfields}
                        <div class="tab-pane fade{if !$domain && !$moduleclientarea && !$configurableoptions && !$metricStats} show active{/if} text-center" role="tabpanel" id="additionalinfo">
                            {foreach $customfields as $field}
                                <div class="row"><div class="col-sm-5"><strong>{$field.name|escape:'html'}</strong></div><div class="col-sm-7 text-left">{$field.value|escape:'html'}</div></div>
                            {/foreach}
                        </div>
                    {/if}
                    {if $lastupdate}
                        <div class="tab-pane fade text-center" role="tabpanel" id="resourceusage">
                            <p>{$LANG.diskSpace}: {$diskusage|escape:'html'}MB / {$disklimit|escape:'html'}MB &middot; {$LANG.bandwidth}: {$bwusage|escape:'html'}MB / {$bwlimit|escape:'html'}MB</p>
                            <p class="text-muted">{$LANG.clientarealastupdated}: {$lastupdate|escape:'html'}</p>
                        </div>
                    {/if}
                </div>
            {/if}
        {/if}
    </div>
</div>

{if $showChangePassword}
<div class="card" id="tabChangepw">
    <div class="card-body">
    <h3 class="card-title">{$LANG.serverchangepassword}</h3>
    <form method="post" action="clientarea.php?action=productdetails&amp;id={$id}#tabChangepw">
        <input type="hidden" name="token" value="{$token}">
        <input type="hidden" name="id" value="{$id}">
        <input type="hidden" name="modulechangepassword" value="true">
        <label>{$LANG.newpassword} <input type="password" name="newpw" autocomplete="off" class="form-control"></label>
        <label>{$LANG.confirmnewpassword} <input type="password" name="confirmpw" autocomplete="off" class="form-control"></label>
        <button type="submit" class="btn btn-primary">{$LANG.serverchangepassword}</button>
    </form>
    </div>
</div>
{/if}
    </div>
</div>

{include file="footer.tpl"}
