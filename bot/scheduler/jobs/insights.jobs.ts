import type { JobDefinition } from '../job.types.js';

/** The 1st of each month, after the daily care run (09:10) and away from :00 and :30 (WeCom's busy minutes). */
export const TREND_INSIGHT_CRON = '20 9 1 * *';
export const TREND_SUMMARY_CRON = '25 9 1 * *';
export const NEED_PREDICTION_CRON = '35 9 1 * *';

/** Each active dealer's regional trend and own position, for the last 3 whole months; once per dealer and month. */
export const trendInsightJob: JobDefinition = {
  name: 'insights.trend',
  cron: TREND_INSIGHT_CRON,
  description: '月度区域趋势（每月1日 09:20）：本区域同类经销商涨跌最多的品类，和经销商自己的占比（每月一次）',
  run: (ctx) => ctx.services.transaction((s) => s.trendInsights.runDealerInsights(ctx.now, ctx.sendFrom)),
};

/** Each manager's summary of their region's trends, with the dealers lagging in the rising group; once a month. */
export const trendSummaryJob: JobDefinition = {
  name: 'insights.trend-summary',
  cron: TREND_SUMMARY_CRON,
  description: '区域趋势月报（每月1日 09:25）：给客户经理和大区经理，涨跌品类和占比偏低的经销商（每月一次）',
  run: (ctx) => ctx.services.transaction((s) => s.trendInsights.runRegionSummaries(ctx.now, ctx.sendFrom)),
};

/** Needs predicted from the order trends up to last month, each pushed with its resource and a heads-up to the manager. */
export const needPredictionJob: JobDefinition = {
  name: 'insights.needs',
  cron: NEED_PREDICTION_CRON,
  description:
    '需求预测（每月1日 09:35）：按订货趋势预测培训、陈列、旺季备货、促销需求，推送对应资源并告知客户经理（每种需求每月一次）',
  run: (ctx) => ctx.services.transaction((s) => s.needPredictions.run(ctx.now, ctx.sendFrom)),
};
