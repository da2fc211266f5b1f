</div>
</section>
<script src="{$WEB_ROOT}/assets/js/jquery.min.js"></script>
<script src="{$WEB_ROOT}/templates/{$template}/js/bootstrap.bundle.min.js"></script>
</body>
</html>
