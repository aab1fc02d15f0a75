"""Learning: module content from the program file, progress and quizzes, certificates and
re-certification when module versions rise."""

from models.learning.progress import (
    QuizAttempt,
    QuizClosed,
    complete,
    completed_modules,
    content_of,
    deliver,
    finish,
    part_sent,
    question,
    quiz_plan,
    record_answer,
    start_attempt,
)

__all__ = ["QuizAttempt", "QuizClosed", "complete", "completed_modules", "content_of", "deliver",
           "finish", "part_sent", "question", "quiz_plan", "record_answer", "start_attempt"]
