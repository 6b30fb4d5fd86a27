/** The mini-program channel's test configuration (the fake WeChat API serves its token and custom/send). */
export const MP = {
  appId: 'wx5f3a9d2c1b7e4a60',
  appSecret: 'mp-test-secret',
  token: 'mpTestToken2026',
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  originalId: 'gh_1a2b3c4d5e6f',
};
export type Mode = 'plain' | 'compatible' | 'safe';

export function mpEnv(apiBase: string, mode: Mode): Record<string, string> {
  return {
    SANDBOX: '0',
    SEED_ON_EMPTY: '0',
    LOG_LEVEL: 'silent',
    MP_APP_ID: MP.appId,
    MP_APP_SECRET: MP.appSecret,
    MP_TOKEN: MP.token,
    ...(mode === 'plain' ? {} : { MP_AES_KEY: MP.aesKey }),
    MP_MODE: mode,
    MP_API_BASE: apiBase,
    MP_TIMEOUT_MS: '1000',
  };
}
