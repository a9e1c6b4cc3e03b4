import { describe, expect, it } from 'vitest';
import { chatwootToWhatsapp, whatsappToChatwoot } from './markdown-conversion.ts';

describe('markdown conversion', () => {
  it.each([
    ['*italic*', '_italic_'],
    ['**bold**', '*bold*'],
    ['~~gone~~', '~gone~'],
    ['`code`', '```code```'],
    ['Hello **there** and *you*', 'Hello *there* and _you_'],
    ['a * b * c', 'a * b * c'],
    ['no marks', 'no marks'],
  ])('Chatwoot %j → WhatsApp %j', (input, output) => {
    expect(chatwootToWhatsapp(input)).toBe(output);
  });

  it.each([
    ['*bold*', '**bold**'],
    ['_italic_', '*italic*'],
    ['~gone~', '~~gone~~'],
    ['Hi *there*', 'Hi **there**'],
    ['2 * 3 * 4', '2 * 3 * 4'],
  ])('WhatsApp %j → Chatwoot %j', (input, output) => {
    expect(whatsappToChatwoot(input)).toBe(output);
  });
});
