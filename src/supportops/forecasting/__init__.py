"""Interval forecasting of contact volume and handle time: baselines, day-level models, backtests (pure)."""

from supportops.forecasting.accuracy import Accuracy, accuracy
from supportops.forecasting.backtest import BacktestResult, backtest, wape
from supportops.forecasting.calendar import Event, day_kinds, event_lifts, public_holidays
from supportops.forecasting.forecast import Forecast, apply_calendar, forecast, holiday_factor
from supportops.forecasting.frames import grid_from_frame, infer_weekly_open, weekly_open_from_hours
from supportops.forecasting.grid import INTERVAL_CHOICES, DayGrid, DayKind, open_mask, weekday_of
from supportops.forecasting.models import BASELINES, MODELS, forecast_aht, forecast_models, intraday_profile
from supportops.forecasting.weekly import WeeklyForecast, forecast_weeks, weekly_totals

__all__ = [
    "BASELINES",
    "INTERVAL_CHOICES",
    "MODELS",
    "Accuracy",
    "BacktestResult",
    "DayGrid",
    "DayKind",
    "Event",
    "Forecast",
    "WeeklyForecast",
    "accuracy",
    "apply_calendar",
    "backtest",
    "day_kinds",
    "event_lifts",
    "forecast",
    "forecast_aht",
    "forecast_models",
    "forecast_weeks",
    "grid_from_frame",
    "holiday_factor",
    "infer_weekly_open",
    "intraday_profile",
    "open_mask",
    "public_holidays",
    "wape",
    "weekday_of",
    "weekly_open_from_hours",
    "weekly_totals",
]
