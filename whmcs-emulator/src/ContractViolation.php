<?php

declare(strict_types=1);

namespace MeshCentralConnector\WhmcsEmulator;

/**
 * A module returned something the WHMCS module contract does not allow (wrong shape, missing key, a button that names
 * no function...). Real WHMCS would often limp on or show a blank; the emulator fails loudly so tests catch it.
 */
final class ContractViolation extends \LogicException
{
}
