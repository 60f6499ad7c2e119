"""Search over the indexed papers: ``index.Index`` is the entry point.

    document_store  SQLite: documents, pages, chunks (source of truth)
    embeddings      all-MiniLM-L6-v2 by path; LlamaIndex embedding adapter
    vector_store    Chroma (cosine) behind LlamaIndex's ChromaVectorStore
    keyword_index   bm25s with a council-papers tokenizer
    synonyms        domain abbreviations <-> spelled-out forms
    fusion          weighted / rrf / bm25 / dense
    hybrid          LlamaIndex retriever: candidates, fusion, filters, de-duplication
    nodes           Chunk -> TextNode -> Hit, the only conversions
    index           writes (crash-safe), finalize, search

Submodules are imported on use: loading this package loads no model.
"""
