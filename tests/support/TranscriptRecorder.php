<?php

declare(strict_types=1);

namespace MeshCentralConnector\Tests\Support;

use MeshCentralConnector\Connector;
use MeshCentralConnector\ConnectorOptions;
use MeshCentralConnector\Exception\ConnectorException;

/**
 * Records what the real core (release .wasm) and a real MeshCentral said to each other during one operation, as the
 * transcript files the Rust replay tests read (tests/ops_transcripts.rs): the request (server settings left out),
 * the result or typed error, and every session's frames in order. Used by tests/transcripts/capture-*.php.
 */
final class TranscriptRecorder
{
    /** @var list<list<array{dir: string, text: string}>> */
    private array $frames = [];
    private readonly Connector $connector;

    public function __construct(string $wasmPath)
    {
        $frames = &$this->frames;
        $hook = static function (string $event, string $payload) use (&$frames): void {
            if ($event === 'open') {
                $frames[] = [];
                return;
            }
            $frames[count($frames) - 1][] = ['dir' => $event, 'text' => $payload];
        };
        $this->connector = Connector::load($wasmPath, new ConnectorOptions(transportHook: $hook));
    }

    public function connector(): Connector
    {
        return $this->connector;
    }

    /**
     * Runs `$request` and writes `$file` (JSON: `meshcentral`, `$extra`, `request`, `result`, `sessions`).
     *
     * @param array<string, mixed> $request
     * @param array<string, mixed> $extra more top-level fields describing the capture (e.g. the server's settings)
     */
    public function record(string $file, array $request, array $extra = []): void
    {
        $this->frames = [];
        try {
            $result = ['ok' => $this->connector->call($request)];
        } catch (ConnectorException $e) {
            $result = ['error' => ['kind' => $e->kind, 'message' => $e->getMessage()]];
        }
        $request['server'] = '(the capture server)';
        $doc = ['meshcentral' => '1.1.55'] + $extra + ['request' => $request, 'result' => $result, 'sessions' => $this->frames];
        file_put_contents($file, json_encode($doc, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
        echo basename($file, '.json'), ': ', count($this->frames), " session(s)\n";
    }
}
