"""Scoring: rubric files (`rubric`), name matching (`match`), check kinds (`checks`) and the engine.

Entry point: `scoring.engine.score_run(session, run_id, load_rubric(find_rubric(name)))`.
"""
