"""How a worker gets its households: built where it runs, or the one table the client holds.

The embedded default population is deterministic, so each worker process builds it once (``default_population``
is cached per process) instead of receiving 250,000 rows over the network. A table only the client has (an
imported household file) is handed over as it is: in this process it is used directly, on a cluster it is
broadcast once to every worker (``client.scatter``). A province run goes by county instead: each task carries a
:class:`model.population.province.CountyRef` and builds that county where it runs (model/sweep/province.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from model.population.synth import DEFAULT_LABEL, default_population
from model.population.table import Population


@dataclass(frozen=True)
class EmbeddedPopulation:
    """The embedded default population, built on whichever process needs it (cached per process)."""

    label: str = DEFAULT_LABEL.format(year=2022)  # default_population()'s base year

    def load(self) -> Population:
        """The population (built on first use in this process)."""
        return default_population()


PopulationSource = Population | EmbeddedPopulation


def resolve(source: PopulationSource) -> Population:
    """The population itself, building it when ``source`` is a reference."""
    return source if isinstance(source, Population) else source.load()


def fingerprint_of(source: PopulationSource) -> str:
    """The population's fingerprint (builds a referenced population: call it where it will run)."""
    return resolve(source).fingerprint


def label_of(source: PopulationSource) -> str:
    """The population's label, without building it."""
    return source.label
