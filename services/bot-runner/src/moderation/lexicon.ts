// The local rules' words and phrases, by reason. Everything here is matched against the normalised
// forms of normalise.ts (lower case, no accents or apostrophes: "you're" is "youre"). It has to
// offend to work; it is kept in this one file, and test/fixtures/moderation/ holds what it must
// catch and what it must let through.
//
// Phrases are regular expressions written in plain spelling and squeezed at compile time (see
// squeezeSource); a space in one stands for any separator or none ("kill yourself" also matches
// "killyourself", "kill-yourself"). Idioms that share words with a rule ("you're killing it",
// "drop dead gorgeous", "I'll find you a recipe", "don't kill yourself over it") are excluded by
// the rule itself, and each has an ordinary case in the corpus.
import type { LocalReason } from './reasons.ts';

/**
 * Slurs matched as whole words on the unsqueezed forms (doubled letters matter: "niger" is a
 * country), repeats and masked middle letters allowed; `notBefore` excludes an idiom.
 */
export interface SlurWord {
  word: string;
  notBefore?: string;
}

export const SLURS: readonly SlurWord[] = [
  { word: 'nigger' },
  { word: 'nigga' },
  { word: 'niggah' },
  { word: 'sandnigger' },
  { word: 'neger' },
  { word: 'faggot' },
  { word: 'kike' },
  { word: 'wetback' },
  { word: 'beaner' },
  { word: 'spic', notBefore: '\\s*(?:and|n|&)\\s*span' },
  { word: 'chink', notBefore: '\\s+(?:in|of)\\b' },
  { word: 'gook' },
  { word: 'raghead' },
  { word: 'towelhead' },
  { word: 'jigaboo' },
  { word: 'tranny' },
  { word: 'shemale' },
  { word: 'retard' },
  { word: 'retarded' },
  { word: 'paki' },
  { word: 'gyppo' },
  { word: 'pikey' },
  { word: 'mongoloid' },
  { word: 'spaz' },
  { word: 'schwuchtel' },
  { word: 'kanake' },
  { word: 'maricon' },
  { word: 'sudaca' },
  { word: 'bougnoule' },
];

const YOU = '(?:you|u|ya|youse)';
const YOU_ARE = '(?:youre|you are|ur|u r|u are|you r)';
const SELF = '(?:yourself|yourselves|urself|ur self|your self|uself)';
const I_WILL =
  '(?:ill|i will|i shall|im going to|i am going to|im gonna|i am gonna|imma|ima|i want to|i wanna|id like to|i would like to|im about to|im coming to|i am coming to|ill come and|i will come and)';
const GROUPS =
  '(?:immigrants|migrants|refugees|foreigners|muslims|jews|christians|hindus|sikhs|atheists|gays|gay people|lesbians|' +
  'trans people|transgender people|queers|women|men|girls|blacks|black people|whites|white people|asians|mexicans|arabs|' +
  'africans|indians|chinese|gypsies|roma|disabled people|homeless people|poor people|liberals|conservatives|leftists|' +
  'democrats|republicans|boomers|catholics|protestants|mormons|those people|these people|you people|people like you|your kind|their kind)';
const VERMIN =
  '(?:animals|vermin|rats|cockroaches|roaches|parasites|insects|maggots|lice|leeches|savages|apes|monkeys|beasts|filth|scum|pests';
// Said of a group, also "a plague", "a cancer"; said to one person ("you're a cancer survivor") not those.
const OF_GROUPS = `${VERMIN}|a plague|a disease|a cancer|a virus|an infestation)`;
const OF_YOU = `${VERMIN}|rat|cockroach|parasite|maggot|leech|pest|monkey|ape|insect)`;
const MOD = '(?:all|just|nothing but|nothing more than|no better than|basically|literally|like|such|filthy|dirty|disgusting)';

export const PHRASES: Readonly<Record<Exclude<LocalReason, 'personal_data'>, readonly string[]>> = {
  slur: [
    // Words that are slurs only when aimed at someone (a "dyke" is also an embankment, a "fag" a cigarette).
    `\\b${YOU} (?:fucking |stupid |dumb |little |filthy |dirty )?(?:fag|fags|dyke|dykes|homo|homos)\\b(?! (?:sapiens|erectus|habilis))`,
    `\\b(?:fucking|stupid|dumb|filthy|dirty|disgusting) (?:fag|fags|dyke|dykes|homo|homos)\\b`,
  ],
  threat: [
    `\\b${I_WILL} (?:kill|murder|shoot|stab|strangle|choke|rape|slaughter|behead|decapitate|lynch|torture|hurt|harm|beat up|hang|gut|skin|execute|end) (?:you|u|ya|your family|your kids|your wife|your husband|your mom|your mother)\\b`,
    `\\b${I_WILL} (?:break|smash|snap|slit|cut) (?:your|ur) (?:legs|neck|arms|face|bones|jaw|skull|head|throat|teeth)\\b`,
    `\\b${I_WILL} (?:hunt|track) (?:you|u) down\\b`,
    // "I'll find you" ends the sentence; "I'll find you a recipe" does not.
    `\\b${I_WILL} (?:find|come for|come after) (?:you|u)\\b(?=\\s*(?:$|[.!?;]|and (?:kill|hurt|end|make)|wherever|no matter|soon))`,
    `\\bi know where (?:you|u) (?:live|sleep|work)\\b`,
    `\\bi know where (?:your|ur) (?:kids|children|family|wife|husband|mom|mother) (?:live|lives|sleep|go to school|are)\\b`,
    `\\b${YOU_ARE} (?:a )?dead (?:man|woman|meat)\\b`,
    `\\b(?:youll|you will|youre going to|you are going to|youre gonna) (?:pay for (?:this|that)|get what is coming|get whats coming)\\b`,
    `\\b(?:someone|somebody|people|we) (?:should|needs to|need to|ought to|will|is going to|are going to|gonna) (?:kill|shoot|stab|murder|hurt|rape|lynch|hang|beat up) (?:you|u|ya)\\b`,
    `\\bi hope (?:someone|somebody) (?:kills|shoots|stabs|rapes|murders|hurts|beats) (?:you|u)\\b`,
    `\\bi hope (?:you|u) get (?:shot|stabbed|raped|murdered|killed|beaten|hit by a (?:car|bus|truck|train))\\b`,
    `\\b${I_WILL} (?:burn|torch|firebomb|blow up) (?:down )?(?:your|ur) (?:house|home|car|place|family)\\b`,
    `\\b(?:you )?(?:better|best) watch (?:your|ur) back\\b`,
    '\\bsleep with one eye open\\b',
    '\\b(?:your|ur) days are numbered\\b',
    '\\bich (?:bring|werde) dich (?:um|umbringen|toten|abstechen|finden)\\b',
    '\\bte voy a (?:matar|apunalar|disparar)\\b',
    '\\b(?:yo )?te (?:mato|matare)\\b',
    '\\bje vais te (?:tuer|buter|egorger|defoncer)\\b',
    '\\b(?:eu )?(?:vou te|te vou) matar\\b',
  ],
  harassment: [
    // Telling someone to kill or harm themselves ("don't kill yourself over it" is an idiom).
    `(?<!\\b(?:dont|do not|never|not|no need to|wont|shouldnt|wouldnt|didnt) (?:go |just )?)\\b(?:kill|hang|neck|shoot|off|end|unalive|delete|hurt|drown|poison) ${SELF}\\b(?! (?:laughing|with laughter|over|for|trying|to|a|an|some))`,
    '\\bkys\\b',
    '\\bkill urself\\b',
    '\\bslit (?:your|ur) (?:wrists|throat)\\b',
    '\\bdrink bleach\\b',
    '\\b(?:go |just )?jump off a (?:bridge|cliff|building|roof)\\b',
    '\\bbring dich um\\b',
    '\\btote dich\\b',
    '\\b(?:matate|suicidate)\\b',
    '\\b(?:tue toi|va te (?:tuer|pendre|suicider)|suicide toi)\\b',
    '\\b(?:se mata|vai se matar)\\b',
    // Telling someone to die.
    '(?<!\\b(?:dont|do not|never|wont) )\\b(?:go|just|please|pls|plz) die\\b(?! (?:of|laughing|happy|trying|inside|hard|cut|cast|on))',
    `\\b(?:i )?hope (?:you|u) die\\b`,
    `\\b${YOU} (?:should|deserve to|ought to|need to|must) (?:just )?die\\b`,
    '\\bdie in a (?:fire|hole|ditch)\\b',
    '\\bdrop dead\\b(?! (?:gorgeous|beautiful|stunning|funny|sexy|cute|handsome|good|brilliant|delicious|amazing|lovely|simple|easy))',
    `\\b(?:the )?world (?:would be|is|will be) better (?:off )?without (?:you|u|people like you)\\b`,
    `\\b(?:nobody|no one|noone) (?:would|will|is going to|gonna) (?:miss|care if) (?:you|u)\\b`,
    `\\b${YOU} (?:should|ought to) (?:not exist|never have been born)\\b`,
    `\\b${YOU} dont deserve to (?:live|exist|be alive)\\b`,
    '\\b(?:stirb|verreck|krepier)\\b(?! langsam)',
    '\\bmuerete\\b',
    '\\b(?:va|tu devrais) mourir\\b',
    // Degrading insults aimed at the reader ("you're not stupid" is not one).
    `\\b${YOU_ARE} (?:(?:a|an|such a|such an|so|the|a total|a complete|an absolute|a fucking|fucking|literally|just|a worthless|a pathetic|an ugly|a stupid) )*(?:worthless|pathetic|disgusting|stupid|idiot|moron|imbecile|cretin|loser|failure|waste of (?:space|oxygen|air|skin|life)|piece of (?:shit|garbage|trash|crap)|fat pig|whore|slut|bitch|cunt|dumbass|dumb|braindead|brain dead|disgrace|ugly)\\b(?! (?:crying|duckling|sweater|christmas))`,
    '\\b(?:shut up|stfu),? (?:you )?(?:idiot|moron|loser|bitch|retard|cunt|whore)\\b',
    `\\b(?:nobody|no one|noone) (?:likes|loves|cares about|wants) (?:you|u)\\b`,
    `\\b(?:everyone|everybody) (?:hates|despises) (?:you|u)\\b`,
    `\\bfuck (?:you|u|off)\\b`,
    `\\b(?:ugly|stupid|dumb|fat|worthless|pathetic|disgusting) (?:bitch|cunt|whore|slut|loser|idiot|moron)\\b`,
    '\\bgo back to (?:your (?:own )?country|where you came from)\\b',
  ],
  dehumanising: [
    '\\b(?:subhuman|sub human|untermensch|untermenschen)s?\\b',
    '\\bless than human\\b',
    `\\b${GROUPS} (?:are|re|r|is) (?:${MOD} )*${OF_GROUPS}\\b`,
    // Not "like": "you're like a monkey on that wall" is a simile.
    `\\b(?:${YOU_ARE}|${YOU} re) (?:(?:${MOD.replace('|like|', '|')}|a|an) )*${OF_YOU}\\b`,
    `\\b(?:${GROUPS}|they all) (?:should|must|need to|ought to|deserve to) (?:be )?(?:exterminated|eradicated|wiped out|gassed|culled|put down|eliminated|purged|sterilized|sterilised|burned)\\b`,
  ],
};
