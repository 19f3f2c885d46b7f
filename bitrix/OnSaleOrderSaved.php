<?php
/**
 * Bitrix -> RetailCRM integration: OnSaleOrderSaved handler for stores without outbound webhooks.
 *
 * Install: include this file from the GLOBAL /local/php_interface/init.php (a per-site init.php is not loaded in the
 * admin section, so admin edits would be missed), and define the three constants below, e.g. in
 * /local/php_interface/retailcrm_sync_config.php that is kept out of version control:
 *
 *   define('RETAILCRM_SYNC_HOOK_URL', 'https://<app>.azurewebsites.net/api/bitrix/order-saved?code=<function key>');
 *   define('RETAILCRM_SYNC_TOKEN', '<the same value as the Bitrix__ApplicationToken app setting>');
 *
 * It only sends the order ID and site: the integration re-reads the whole order over REST, so property values that are
 * still empty while the order is being created (a known Bitrix quirk) do not matter.
 *
 * It never blocks checkout: the POST runs in a background job after the response has been sent to the buyer, with
 * short timeouts, and every failure is swallowed (logged to the Bitrix event log). Bitrix does not retry; the
 * integration's reconciliation poll picks up orders whose hook was lost.
 */

use Bitrix\Main\Application;
use Bitrix\Main\Event;
use Bitrix\Main\EventManager;
use Bitrix\Main\Web\HttpClient;
use Bitrix\Main\Web\Json;

if (!defined('RETAILCRM_SYNC_HOOK_URL') || !defined('RETAILCRM_SYNC_TOKEN')) {
    return; // not configured on this site: do nothing rather than break order saving
}

EventManager::getInstance()->addEventHandler('sale', 'OnSaleOrderSaved', static function (Event $event): void {
    $order = $event->getParameter('ENTITY');
    if (!$order) {
        return;
    }
    // Json::encode converts from SITE_CHARSET, so windows-1251 sites send valid UTF-8.
    $payload = Json::encode([
        'orderId' => (int)$order->getId(),
        'siteId' => (string)$order->getSiteId(),
    ]);

    Application::getInstance()->addBackgroundJob(static function () use ($payload): void {
        try {
            $http = new HttpClient([
                'socketTimeout' => 2,
                'streamTimeout' => 3,
                'waitResponse' => true,
                'disableSslVerification' => false,
            ]);
            $http->setHeader('Content-Type', 'application/json');
            $http->setHeader('X-Application-Token', RETAILCRM_SYNC_TOKEN);
            $http->post(RETAILCRM_SYNC_HOOK_URL, $payload);
            if ($http->getStatus() !== 202) {
                \CEventLog::Add([
                    'SEVERITY' => 'WARNING',
                    'AUDIT_TYPE_ID' => 'RETAILCRM_SYNC_HOOK',
                    'MODULE_ID' => 'sale',
                    'DESCRIPTION' => 'Order hook answered HTTP ' . $http->getStatus(),
                ]);
            }
        } catch (\Throwable $e) {
            \CEventLog::Add([
                'SEVERITY' => 'WARNING',
                'AUDIT_TYPE_ID' => 'RETAILCRM_SYNC_HOOK',
                'MODULE_ID' => 'sale',
                'DESCRIPTION' => 'Order hook failed: ' . $e->getMessage(),
            ]);
        }
    });
});
