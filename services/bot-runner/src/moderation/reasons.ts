// Why moderation rejected a reply: the label it is counted under
// (botsky_botrunner_moderation_rejected_total{bot,reason}) and the words the model is told on its
// one retry. The local rules' reasons are fixed; a provider's are its own category names, prefixed
// with the provider (`openai:harassment/threatening`), so a dashboard tells the layers apart.

export const LOCAL_REASONS = ['slur', 'threat', 'harassment', 'dehumanising', 'personal_data'] as const;
export type LocalReason = (typeof LOCAL_REASONS)[number];

/** Counted when the provider could not give a verdict: the reply is not posted (fail closed). */
export const UNAVAILABLE = 'moderation_unavailable';

const EXPLAINED: Record<LocalReason, string> = {
  slur: 'it uses a slur',
  threat: 'it threatens someone with violence',
  harassment: 'it harasses or insults someone (for example telling them to die or to hurt themselves)',
  dehumanising: 'it describes people as animals, vermin or less than human',
  personal_data: 'it contains an e-mail address or phone number that the post did not contain',
};

/** What the model is told on its retry: the reason in words, never the words that matched. */
export function explain(reason: string): string {
  const local = EXPLAINED[reason as LocalReason];
  if (local) return `moderation (${reason}): ${local}`;
  return `moderation (${reason}): the moderation service flagged it as ${reason.replace(/^[a-z]+:/, '')}`;
}

/** The provider's reason label for one of its categories. */
export function providerReason(provider: string, category: string): string {
  return `${provider}:${category}`;
}
