{include file="header.tpl"}

{if $pagetitle}<h1>{$pagetitle|escape:'html'}</h1>{/if}
<div id="modulePage">{$modulepage}</div>
<p><a href="clientarea.php?action=productdetails&amp;id={$id}" class="btn btn-secondary">&laquo; Back</a></p>

{include file="footer.tpl"}
