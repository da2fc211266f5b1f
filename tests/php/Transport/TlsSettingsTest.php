<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Transport;

use MeshCentralConnector\Transport\TlsSettings;
use MeshCentralConnector\Transport\TransportException;
use PHPUnit\Framework\TestCase;

final class TlsSettingsTest extends TestCase
{
    public function testDefaultsVerify(): void
    {
        $tls = new TlsSettings();
        self::assertTrue($tls->verify);
        self::assertNull($tls->caFile);
        self::assertNull($tls->pinSha384);
        self::assertNull($tls->normalizedPin());
    }

    public function testPinIsNormalized(): void
    {
        $hex = hash('sha384', 'x');
        $formatted = implode(':', str_split(strtoupper($hex), 2));
        $tls = new TlsSettings(true, null, $formatted);
        self::assertSame($hex, $tls->normalizedPin());
        self::assertSame($formatted, $tls->pinSha384);
    }

    /**
     * @return array<string, array{0:string}>
     */
    public static function badPins(): array
    {
        return [
            'too short' => [str_repeat('a', 64)],
            'not hex' => [str_repeat('g', 96)],
            'empty' => [''],
        ];
    }

    /**
     * @dataProvider badPins
     */
    public function testInvalidPinIsRejected(string $pin): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new TlsSettings(true, null, $pin);
    }

    public function testExceptionCarriesKind(): void
    {
        $previous = new \RuntimeException('inner');
        $e = new TransportException('tls', 'message', $previous);
        self::assertSame('tls', $e->kind);
        self::assertSame('message', $e->getMessage());
        self::assertSame($previous, $e->getPrevious());
    }
}
