{include file="header.tpl"}

<h1>{$LANG.clientareaproducts}</h1>
<table class="table table-striped" id="tableServicesList">
    <thead><tr><th>{$LANG.orderproduct}</th><th>{$LANG.orderdomain}</th><th>{$LANG.clientareastatus}</th></tr></thead>
    <tbody>
    {foreach $services as $service}
        <tr>
            <td><a href="clientarea.php?action=productdetails&amp;id={$service.id}">{$service.product|escape:'html'}</a></td>
            <td>{$service.domain|escape:'html'}</td>
            <td><span class="badge badge-{$service.status|lower|escape:'htmlall'}">{$service.status|escape:'html'}</span></td>
        </tr>
    {/foreach}
    </tbody>
</table>

{include file="footer.tpl"}
