<?php

// The few WHMCS client-area language strings the emulator's theme shells use ($LANG in templates). WHMCS has
// thousands; module templates should use their module's own lang/ files.

$_LANG['clientareaproductdetails'] = 'Product Details';
$_LANG['clientareahostingregdate'] = 'Registration Date';
$_LANG['orderproduct'] = 'Product/Service';
$_LANG['orderdomain'] = 'Domain';
$_LANG['serverusername'] = 'Username';
$_LANG['clientareastatus'] = 'Status';
$_LANG['suspendreason'] = 'Suspension Reason';
$_LANG['clientareaproducts'] = 'My Products & Services';
$_LANG['clientareanavservices'] = 'Services';
$_LANG['moduleactionsuccess'] = 'Action Completed Successfully!';
$_LANG['moduleactionfailed'] = 'Action Failed';
$_LANG['ssounabletologin'] = 'Unable to log you in automatically';
$_LANG['tabOverview'] = 'Overview';
$_LANG['logouttitle'] = 'Logout';
$_LANG['login'] = 'Login';
$_LANG['yes'] = 'Yes';
$_LANG['no'] = 'No';
$_LANG['serverchangepassword'] = 'Change Password';
$_LANG['serverchangepasswordsuccessful'] = 'Password Changed Successfully!';
$_LANG['serverchangepasswordfailed'] = 'Password Change Failed';
$_LANG['newpassword'] = 'New Password';
$_LANG['confirmnewpassword'] = 'Confirm New Password';
$_LANG['firstpaymentamount'] = 'First Payment Amount';
$_LANG['recurringamount'] = 'Recurring Amount';
$_LANG['orderbillingcycle'] = 'Billing Cycle';
$_LANG['clientareahostingnextduedate'] = 'Next Due Date';
$_LANG['orderpaymentmethod'] = 'Payment Method';
$_LANG['orderpaymenttermonetime'] = 'One Time';
$_LANG['orderfree'] = 'Free';
$_LANG['upgrade'] = 'Upgrade';
$_LANG['clientareacancelrequestbutton'] = 'Request Cancellation';
$_LANG['cancellationrequested'] = 'Cancellation Requested';
$_LANG['manage'] = 'Manage';
$_LANG['clientareahostingdomain'] = 'Domain';
$_LANG['orderconfigpackage'] = 'Configurable Options';
$_LANG['additionalInfo'] = 'Additional Information';
$_LANG['resourceUsage'] = 'Resource Usage';
$_LANG['metrics.title'] = 'Usage Billing';
$_LANG['metrics.currentUsage'] = 'Current Usage';
$_LANG['diskSpace'] = 'Disk Space';
$_LANG['bandwidth'] = 'Bandwidth';
$_LANG['clientarealastupdated'] = 'Last Updated';
$_LANG['visitwebsite'] = 'Visit Website';
$_LANG['actions'] = 'Actions';
$_LANG['back'] = 'Back';
