// A well-behaved model behind the OpenAI wire protocol, with a fixed latency: it answers every
// prompt with a short reply that mentions the person the prompt names (or no one). For the
// replica test and the benchmark, where the model's time matters and its manners must not.
import { completion, startOpenAIStandIn, type OpenAIStandIn } from '@botsky/llm-stand-ins/openai';
import type { RecordedRequest } from '@botsky/llm-stand-ins/scripted-http';

function politeReply(req: RecordedRequest): string {
  const user = (req.body as { messages: Array<{ role: string; content: string }> }).messages.find((m) => m.role === 'user')?.content ?? '';
  const mention = /Bring (@\S+) into the conversation/.exec(user)?.[1];
  return mention ? `${mention} you two would get along, what do you think?` : 'Lovely post, thanks for sharing!';
}

export async function startPoliteModel(latencyMs: number): Promise<OpenAIStandIn> {
  const answer = completion(politeReply);
  return startOpenAIStandIn([(req, res) => void setTimeout(() => answer(req, res), latencyMs)]);
}
