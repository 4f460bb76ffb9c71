import { describe, expect, it } from 'vitest';
import { isLinkPreviewBot } from './linkPreviewBots.js';

describe('isLinkPreviewBot', () => {
  it('recognises the crawlers that draw link previews, in any case', () => {
    for (const userAgent of [
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Slack-ImgProxy (+https://api.slack.com/robots)',
      'WhatsApp/2.23.20.0',
      'TelegramBot (like TwitterBot)',
      'Twitterbot/1.0',
      'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
      'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)',
      'Iframely/1.3.1 (+https://iframely.com/docs/about)',
      'REDDITBOT/1.0',
    ]) {
      expect(isLinkPreviewBot(userAgent), userAgent).toBe(true);
    }
  });

  it('counts browsers, and a request without a User-Agent, as people', () => {
    for (const userAgent of [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
      '',
      null,
    ]) {
      expect(isLinkPreviewBot(userAgent), String(userAgent)).toBe(false);
    }
  });
});
