"""pmwidgets: performance management as a joint process, in Jupyter widgets.

Layers, imports pointing down only (docs/architecture.md has the picture)::

    cli, web -> apps -> widgets | services -> store, io -> domain

Importing the package is cheap: nothing below is imported until it is used.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
