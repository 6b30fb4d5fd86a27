import { describe, expect, it } from 'vitest';
import { decodeAppSecret, kingdeeHmac, signedHeaders, signedPath, splitAppId } from './kingdee.signing.js';

// Known answers of the official Python SDK (kingdee.cdp.webapi.sdk 8.2.0), as published with a Go port's tests:
// the same app id, secret, account and clock must give byte-identical headers.
const APP_ID = '123456_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4';
const SERVICE = 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery.common.kdsvc';

describe('Kingdee signed-header login', () => {
  it('derives the gateway key from the app id and signs hex-then-base64, as the SDK does', () => {
    expect(decodeAppSecret('YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4')).toBe('UVJWUANVXl8KXFlfWV1YSBNCShcUQRNL');
    expect(kingdeeHmac('POST\n%2Ftest\n\nx-api-nonce:1\nx-api-timestamp:1\n', 'key123')).toBe(
      'MThmZGFiM2U5MGZhNmU0MDQ0MWI1NTNkNmNmMjY2MDY0YzEzZTllNTA0OTBmM2M0NDI2NzFiMTI3NTFkZmU1ZQ==',
    );
    expect(signedPath(`/K3Cloud/${SERVICE}`)).toBe(`%2FK3Cloud%2F${SERVICE}`);
  });

  it('builds every header of a request byte for byte', () => {
    const headers = signedHeaders(
      { kind: 'signed', appId: APP_ID, appSecret: 'test-app-secret-value', orgNum: '100' },
      { acctId: 'dcid-1', username: 'user-1', lcid: 2052 },
      `/K3Cloud/${SERVICE}`,
      new Date(1_700_000_000_000),
      '1700000000',
    );
    expect(headers).toEqual({
      'X-Api-ClientID': '123456',
      'X-Api-Auth-Version': '2.0',
      'x-api-timestamp': '1700000000',
      'x-api-nonce': '1700000000',
      'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
      'X-Api-Signature': 'MjNhMzg5MmZiMWE1MTQ1ZGE5NWFkYmZiZWYxYzhlY2NjNzcwM2ZjNDJlZTczMzBhNzkxOTk1ODhjNDZkMTEzYw==',
      'X-Kd-Appkey': APP_ID,
      'X-Kd-Appdata': 'ZGNpZC0xLHVzZXItMSwyMDUyLDEwMA==',
      'X-Kd-Signature': 'NjI5MzRiZGVhNGJhOWY2N2Y2YzQ2MzQ5ODA3N2JiZTRiMDRmOTUwNjI3YWIzODU1ODBkZDdhNzgwMzdmMDgxMg==',
    });
  });

  it('sends only the X-Kd-* headers for a bare app id (a private site without the API gateway)', () => {
    const headers = signedHeaders(
      { kind: 'signed', appId: '204399', appSecret: 's', orgNum: '0' },
      { acctId: 'K01', username: 'api', lcid: 2052 },
      `/k3cloud/${SERVICE}`,
      new Date(),
    );
    expect(Object.keys(headers)).toEqual(['X-Kd-Appkey', 'X-Kd-Appdata', 'X-Kd-Signature']);
    expect(splitAppId('204399_short')).toBeNull();
    expect(splitAppId(APP_ID)).toEqual({ clientId: '123456', encodedKey: 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4' });
  });
});
