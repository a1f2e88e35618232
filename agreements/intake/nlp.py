"""The one spaCy pipeline: blank English (its tokenizer and rule-based sentencizer, no trained
model), loaded once per process."""

import spacy

nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
# A 50,000-word report is about 350,000 characters; the blank pipeline needs no more memory for it.
nlp.max_length = 5_000_000
