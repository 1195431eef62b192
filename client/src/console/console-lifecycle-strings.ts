/**
 * Console labels for scheduling, topics and delivery status (issue 5). Kept
 * beside the console rather than in i18n/en.ts while that file is being
 * reworked; fold them in when it settles.
 */
export const lifecycleStrings = {
  topic: 'Or a topic (sends to its subscribers instead)',
  topicPlaceholder: 'e.g. promotions',
  deliverAt: 'Deliver at (optional)',
  repeatCron: 'Repeat: cron (optional)',
  repeatCronPlaceholder: 'e.g. 0 9 * * 1 (Mondays 09:00)',
  repeatTz: 'Time zone of the cron',
  statusHeading: 'Delivery',
  refresh: 'Refresh',
  refreshing: 'Refreshing…',
  cancel: 'Cancel',
  retract: 'Retract',
  due: 'Next due',
  counts: {
    status: 'Status',
    recipients: 'Recipients',
    deliveredLive: 'Delivered live',
    pushed: 'Pushed',
    pushFailed: 'Push failures',
    pushPending: 'Pushes pending',
    read: 'Read',
  },
  readUntracked: 'not tracked',
} as const;
