"""Packaging for Scrapyd: ``scrapyd-deploy`` builds an egg of the ``blogtitles`` package with it.

Only the Scrapy project package goes in the egg (not tests, bench or tools), with the data the
spider reads at run time (the default blog list) and the ``genspider`` templates.
"""

from setuptools import find_packages, setup

setup(
    name="blogtitles",
    version="0.1.0",
    description="The latest article of each blog in a list, and its title, with Scrapy",
    packages=find_packages(include=["blogtitles", "blogtitles.*"]),
    package_data={"blogtitles": ["blogs.txt", "templates/spiders/*.tmpl"]},
    python_requires=">=3.11",
    entry_points={"scrapy": ["settings = blogtitles.settings"]},
    zip_safe=False,
)
