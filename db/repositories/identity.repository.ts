import type { Kysely } from 'kysely';
import type { IdentityDirectory, RecipientDirectory } from '../../core/messaging/ports.js';
import type {
  Channel,
  DealerContact,
  DealerSummary,
  Identity,
  ManagerContact,
  ManagerSummary,
} from '../../core/messaging/types.js';
import { compiledOnce } from '../compiled.js';
import type { Database } from '../schema.js';

/** Who is behind a channel account, and how dealers and managers can be reached. */
export class KyselyIdentityDirectory implements IdentityDirectory, RecipientDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async resolve(channel: Channel, externalId: string): Promise<Identity> {
    const [identity] = await this.resolveAll([{ channel, externalId }]);
    return identity!;
  }

  async resolveAll(accounts: readonly { channel: Channel; externalId: string }[]): Promise<Identity[]> {
    if (accounts.length === 0) return [];
    const [one] = accounts;
    const rows =
      accounts.length === 1 && one
        ? await identityOf(this.db, one.channel, one.externalId)
        : await identities(this.db)
            .where((eb) =>
              eb.or(
                accounts.map((a) =>
                  eb.and([eb('ci.channel', '=', a.channel), eb('ci.external_id', '=', a.externalId)]),
                ),
              ),
            )
            .execute();
    const byAccount = new Map(rows.map((r) => [`${r.channel}\u0000${r.external_id}`, r]));
    return accounts.map(({ channel, externalId }) => {
      const row = byAccount.get(`${channel}\u0000${externalId}`);
      if (row?.dealer_code && row.tier && row.dealer_name && row.dealer_manager) {
        return {
          kind: 'dealer',
          channel,
          externalId,
          dealerCode: row.dealer_code,
          dealerName: row.dealer_name,
          tier: row.tier,
          managerCode: row.dealer_manager,
        };
      }
      if (row?.manager_code && row.manager_name && row.role) {
        return {
          kind: 'manager',
          channel,
          externalId,
          managerCode: row.manager_code,
          managerName: row.manager_name,
          role: row.role,
        };
      }
      return { kind: 'unbound', channel, externalId };
    });
  }

  /**
   * WeCom, mini-program and KF accounts, per dealer WeCom first (then by external id): the first is the best route
   * (the mini-program and KF only reach a dealer inside the window their last message opened).
   */
  async dealerContacts(dealerCodes: readonly string[]): Promise<DealerContact[]> {
    if (dealerCodes.length === 0) return [];
    const rows = await this.db
      .selectFrom('channel_identities')
      .select(['dealer_code', 'channel', 'external_id'])
      .where('dealer_code', 'in', [...dealerCodes])
      .where('channel', 'in', ['wecom', 'miniprogram', 'kf'])
      .orderBy('dealer_code')
      .orderBy('channel', 'desc') // 'wecom', then 'miniprogram', then 'kf'
      .orderBy('external_id')
      .execute();
    return rows.flatMap((r) =>
      r.dealer_code ? [{ dealerCode: r.dealer_code, channel: r.channel, externalId: r.external_id }] : [],
    );
  }

  async managerContacts(managerCodes: readonly string[]): Promise<ManagerContact[]> {
    if (managerCodes.length === 0) return [];
    const rows = await this.db
      .selectFrom('managers')
      .select(['code', 'wecom_userid', 'alert_chat_id', 'webhook_key'])
      .where('code', 'in', [...managerCodes])
      .execute();
    return rows.map((m) => ({
      code: m.code,
      wecomUserId: m.wecom_userid,
      alertChatId: m.alert_chat_id,
      webhookKey: m.webhook_key,
    }));
  }

  async dealer(code: string): Promise<DealerSummary | null> {
    const d = await this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'manager_code'])
      .where('code', '=', code)
      .executeTakeFirst();
    return d ? { code: d.code, name: d.name, tier: d.tier, managerCode: d.manager_code } : null;
  }

  async people(limit: number): Promise<{ managers: ManagerSummary[]; dealers: DealerSummary[] }> {
    const managers = await this.db
      .selectFrom('managers')
      .select(['code', 'name', 'role'])
      .orderBy('code')
      .limit(limit)
      .execute();
    const dealers = await this.db
      .selectFrom('dealers')
      .select(['code', 'name', 'tier', 'manager_code'])
      .orderBy('code')
      .limit(limit)
      .execute();
    return {
      managers,
      dealers: dealers.map((d) => ({ code: d.code, name: d.name, tier: d.tier, managerCode: d.manager_code })),
    };
  }
}

/** Channel accounts with the dealer or manager behind them. */
function identities(db: Kysely<Database>) {
  return db
    .selectFrom('channel_identities as ci')
    .leftJoin('dealers as d', 'd.code', 'ci.dealer_code')
    .leftJoin('managers as m', 'm.code', 'ci.manager_code')
    .select([
      'ci.channel',
      'ci.external_id',
      'ci.dealer_code',
      'ci.manager_code',
      'd.name as dealer_name',
      'd.tier',
      'd.manager_code as dealer_manager',
      'm.name as manager_name',
      'm.role',
    ]);
}

/** One account (every message's turn resolves its sender): built and compiled once. */
const identityOf = compiledOnce((db, channel: Channel, externalId: string) =>
  identities(db).where('ci.channel', '=', channel).where('ci.external_id', '=', externalId),
);
