{include file="header.tpl"}

<h1>{$LANG.login}</h1>
{if $loginfailed}<div class="alert alert-danger">Unknown client.</div>{/if}
<p>Emulator login: WHMCS would ask for an e-mail address and a password.</p>
<form method="get" action="login.php" class="form-inline">
    <div class="form-group">
        <label for="inputClientId">Client ID</label>
        <input type="number" name="clientid" id="inputClientId" class="form-control">
    </div>
    <button type="submit" class="btn btn-primary">{$LANG.login}</button>
</form>

{include file="footer.tpl"}
