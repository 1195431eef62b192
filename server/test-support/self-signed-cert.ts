import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate and its key, PEM, for a TLS server on 127.0.0.1; the certificate is its own CA. */
export interface SelfSignedCertificate {
  cert: Buffer;
  key: Buffer;
}

/**
 * A throwaway P-256 certificate for 127.0.0.1, valid one day, made with the
 * openssl CLI (node:crypto cannot issue X.509 certificates). Senders trust it
 * by passing `cert` as their `ca`, so TLS is checked as against a real push
 * service, not switched off.
 */
export function selfSignedCertificate(): SelfSignedCertificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cert-'));
  try {
    const [keyFile, certFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    return { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
