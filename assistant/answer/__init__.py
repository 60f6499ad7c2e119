"""Answering: extractive by default, an LLM when configured; every answer grounded.

composer.py       Composer: one turn, streamed (status, token, answer events)
extractive.py     ExtractiveComposer: pick answering sentences/rows, cite them
grounding.py      GroundingCheck: figures and quotes traced to evidence
question.py       QuestionFrame: answer type, terms, council, period
followup.py       rewrite(): follow-ups into standalone questions
conversations.py  ConversationStore: per-user history in SQLite
tooling.py        KPI tool calls, cited like passages
llm.py            prompt over numbered sources; reply markers to citations
providers/        LLM providers by name: openai (compatible), llama_cpp
figures.py lexicon.py sentences.py   text primitives
"""
