/**
 * Crawlers that fetch a link when it is pasted into a chat or a post, to draw its preview card, and search
 * engines. Their requests are not a person looking: they count no view or download and use up no
 * `maxViews` (a link sent over Slack would otherwise be spent before anyone opened it). A client may lie
 * about its User-Agent; one that does only escapes being counted, it reaches nothing more.
 */
const LINK_PREVIEW_BOTS = [
  'facebookexternalhit',
  'Facebot',
  'Twitterbot',
  'Slackbot',
  'Slack-ImgProxy',
  'Discordbot',
  'WhatsApp',
  'TelegramBot',
  'LinkedInBot',
  'SkypeUriPreview',
  'Applebot',
  'Googlebot',
  'bingbot',
  'redditbot',
  'Iframely',
  'Embedly',
  'Mastodon',
  'Pinterestbot',
  'vkShare',
  'Viber',
  'Snapchat',
  'MicrosoftPreview',
  'Google-PageRenderer',
  'DuckDuckBot',
  'YandexBot',
] as const;

const BOT_PATTERN = new RegExp(LINK_PREVIEW_BOTS.map((name) => name.replace(/[-.]/g, '\\$&')).join('|'), 'i');

export function isLinkPreviewBot(userAgent: string | null | undefined): boolean {
  return userAgent ? BOT_PATTERN.test(userAgent) : false;
}
