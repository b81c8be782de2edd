"""The completion rule, as a pure function of counts, so lists and services agree exactly."""

from dataclasses import dataclass
from decimal import Decimal

from .models import Course, ExcusedRule


@dataclass(frozen=True)
class Progress:
    sessions: int
    present: int
    excused: int
    absent: int
    attended: int  # what counts as attended under the course's excused rule
    counted: int  # the denominator of the share under that rule
    post_score: int | None
    attendance_met: bool
    test_met: bool

    @property
    def unmarked(self) -> int:
        return self.sessions - self.present - self.excused - self.absent

    @property
    def share(self) -> Decimal | None:
        """Attendance share, 0 to 1, rounded to 3 places for display (None when nothing counts)."""
        if self.counted <= 0:
            return None
        return (Decimal(self.attended) / Decimal(self.counted)).quantize(Decimal("0.001"))

    @property
    def met(self) -> bool:
        return self.attendance_met and self.test_met


def evaluate(
    course: Course,
    *,
    sessions: int,
    present: int,
    excused: int,
    absent: int,
    post_score: int | None,
) -> Progress:
    if course.excused_counts == ExcusedRule.PRESENT:
        attended, counted = present + excused, sessions
    elif course.excused_counts == ExcusedRule.EXCLUDED:
        attended, counted = present, sessions - excused
    else:
        attended, counted = present, sessions
    # Exact arithmetic: 8 of 10 at a minimum of 0.80 passes; 0.7999... never rounds up.
    attendance_met = counted > 0 and Decimal(attended) >= course.min_attendance * counted
    test_met = not course.has_tests or (post_score is not None and post_score >= course.pass_mark)
    return Progress(
        sessions=sessions,
        present=present,
        excused=excused,
        absent=absent,
        attended=attended,
        counted=counted,
        post_score=post_score,
        attendance_met=attendance_met,
        test_met=test_met,
    )


def rule_text(course: Course, progress: Progress) -> str:
    """The rule that was met, recorded with the completion (kept in one neutral notation)."""
    minimum = int(course.min_attendance * 100)
    text = (
        f"attendance {progress.attended}/{progress.counted} >= {minimum}% "
        f"(excused: {course.excused_counts})"
    )
    if course.has_tests:
        text += f"; post-test {progress.post_score} >= {course.pass_mark}"
    return text
