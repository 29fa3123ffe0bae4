// What the consent page shows of matchmaker's decisions about a person (types only: the browser
// client imports this file too).

export interface DecisionView {
  /** The person's post decided about. */
  postUri: string;
  /** `dispatched` (bots were asked to answer) or `skipped`. */
  verdict: 'dispatched' | 'skipped';
  /** matchmaker's reason: the rule that skipped the post, or how the bots were drawn. */
  reason: string;
  botIds: string[];
  /** Whom the bots were to introduce, when someone was chosen. */
  introducedHandle: string | null;
  /** Epoch ms. */
  decidedAt: number;
}

export interface HeldAboutYou {
  /** matchmaker's decisions about the person's own posts, newest first. */
  decisions: DecisionView[];
  /** The interest terms matchmaker's profile of the person had, the last time it considered introducing them. */
  interests: string[];
  /** How often the person was considered for an introduction, and chosen, in what this replica saw. */
  considered: number;
  chosen: number;
}
