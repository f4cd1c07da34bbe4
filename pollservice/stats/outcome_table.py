"""Systematic polling error by office and days out: written by bench/estimate_outcome_error.py, do not edit.

Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data
(raw-polls.csv of pollster-ratings/2023, aggregated into error variances)."""

# fmt: off
TABLE = {
 "source": "FiveThirtyEight raw-polls.csv (pollster-ratings/2023), 1998-2022",
 "attribution": "Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data",
 "bins_max_days": [
  7,
  14,
  21
 ],
 "all": {
  "generic": [
   {
    "max_days": 7,
    "margin": {
     "sd": 2.591,
     "common_share": 0.0,
     "races": 13
    },
    "share": {
     "sd": 3.988,
     "common_share": 0.0,
     "races": 13
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 4.105,
     "common_share": 0.0,
     "races": 13
    },
    "share": {
     "sd": 4.256,
     "common_share": 0.0,
     "races": 13
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 4.105,
     "common_share": 0.0,
     "races": 13
    },
    "share": {
     "sd": 5.449,
     "common_share": 0.0,
     "races": 13
    }
   }
  ],
  "governor": [
   {
    "max_days": 7,
    "margin": {
     "sd": 4.983,
     "common_share": 0.227,
     "races": 240
    },
    "share": {
     "sd": 4.016,
     "common_share": 0.069,
     "races": 240
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 6.042,
     "common_share": 0.121,
     "races": 262
    },
    "share": {
     "sd": 4.763,
     "common_share": 0.038,
     "races": 262
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 6.174,
     "common_share": 0.225,
     "races": 249
    },
    "share": {
     "sd": 5.191,
     "common_share": 0.041,
     "races": 249
    }
   }
  ],
  "house": [
   {
    "max_days": 7,
    "margin": {
     "sd": 5.748,
     "common_share": 0.235,
     "races": 266
    },
    "share": {
     "sd": 4.735,
     "common_share": 0.064,
     "races": 266
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 6.857,
     "common_share": 0.117,
     "races": 469
    },
    "share": {
     "sd": 5.921,
     "common_share": 0.066,
     "races": 469
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 7.133,
     "common_share": 0.12,
     "races": 393
    },
    "share": {
     "sd": 6.839,
     "common_share": 0.02,
     "races": 393
    }
   }
  ],
  "president": [
   {
    "max_days": 7,
    "margin": {
     "sd": 4.51,
     "common_share": 0.227,
     "races": 263
    },
    "share": {
     "sd": 2.867,
     "common_share": 0.253,
     "races": 263
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 5.329,
     "common_share": 0.209,
     "races": 248
    },
    "share": {
     "sd": 3.694,
     "common_share": 0.132,
     "races": 248
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 5.329,
     "common_share": 0.364,
     "races": 205
    },
    "share": {
     "sd": 3.951,
     "common_share": 0.197,
     "races": 205
    }
   }
  ],
  "primary": [
   {
    "max_days": 7,
    "margin": {
     "sd": 10.237,
     "common_share": 0.005,
     "races": 211
    },
    "share": {
     "sd": 8.41,
     "common_share": 0.0,
     "races": 211
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 13.258,
     "common_share": 0.003,
     "races": 160
    },
    "share": {
     "sd": 11.626,
     "common_share": 0.0,
     "races": 160
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 13.258,
     "common_share": 0.099,
     "races": 87
    },
    "share": {
     "sd": 11.985,
     "common_share": 0.036,
     "races": 87
    }
   }
  ],
  "senate": [
   {
    "max_days": 7,
    "margin": {
     "sd": 5.912,
     "common_share": 0.19,
     "races": 317
    },
    "share": {
     "sd": 4.262,
     "common_share": 0.118,
     "races": 317
    }
   },
   {
    "max_days": 14,
    "margin": {
     "sd": 6.506,
     "common_share": 0.191,
     "races": 334
    },
    "share": {
     "sd": 5.386,
     "common_share": 0.114,
     "races": 334
    }
   },
   {
    "max_days": 21,
    "margin": {
     "sd": 6.506,
     "common_share": 0.153,
     "races": 288
    },
    "share": {
     "sd": 5.386,
     "common_share": 0.054,
     "races": 288
    }
   }
  ]
 },
 "leave_out": {
  "1998": {
   "generic": {
    "margin": [
     2.531,
     4.132,
     4.132
    ],
    "share": [
     4.044,
     4.274,
     5.435
    ]
   },
   "governor": {
    "margin": [
     4.712,
     5.56,
     5.734
    ],
    "share": [
     3.653,
     4.272,
     4.686
    ]
   },
   "house": {
    "margin": [
     5.769,
     6.698,
     7.053
    ],
    "share": [
     4.747,
     5.709,
     6.764
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.988,
     6.572,
     6.572
    ],
    "share": [
     4.213,
     5.342,
     5.342
    ]
   }
  },
  "1999": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.983,
     6.057,
     6.183
    ],
    "share": [
     4.016,
     4.751,
     5.14
    ]
   },
   "house": {
    "margin": [
     5.748,
     6.857,
     7.133
    ],
    "share": [
     4.735,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2000": {
   "generic": {
    "margin": [
     2.588,
     4.115,
     4.115
    ],
    "share": [
     3.832,
     4.193,
     5.111
    ]
   },
   "governor": {
    "margin": [
     5.035,
     6.048,
     6.254
    ],
    "share": [
     3.986,
     4.78,
     5.24
    ]
   },
   "house": {
    "margin": [
     5.788,
     6.916,
     7.224
    ],
    "share": [
     4.723,
     5.942,
     6.831
    ]
   },
   "president": {
    "margin": [
     4.543,
     5.48,
     5.48
    ],
    "share": [
     2.581,
     3.376,
     3.376
    ]
   },
   "primary": {
    "margin": [
     10.433,
     13.943,
     13.943
    ],
    "share": [
     8.552,
     11.93,
     12.034
    ]
   },
   "senate": {
    "margin": [
     5.921,
     6.519,
     6.519
    ],
    "share": [
     4.212,
     5.247,
     5.247
    ]
   }
  },
  "2001": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     5.007,
     6.061,
     6.204
    ],
    "share": [
     4.017,
     4.767,
     5.173
    ]
   },
   "house": {
    "margin": [
     5.748,
     6.857,
     7.133
    ],
    "share": [
     4.735,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2002": {
   "generic": {
    "margin": [
     2.477,
     3.91,
     3.91
    ],
    "share": [
     4.075,
     4.354,
     5.489
    ]
   },
   "governor": {
    "margin": [
     5.083,
     6.058,
     6.172
    ],
    "share": [
     4.103,
     4.789,
     5.316
    ]
   },
   "house": {
    "margin": [
     5.81,
     6.98,
     7.191
    ],
    "share": [
     4.739,
     5.882,
     6.789
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.962,
     6.364,
     6.401
    ],
    "share": [
     4.252,
     5.407,
     5.407
    ]
   }
  },
  "2003": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.975,
     6.01,
     6.079
    ],
    "share": [
     3.974,
     4.754,
     5.192
    ]
   },
   "house": {
    "margin": [
     5.748,
     6.857,
     7.133
    ],
    "share": [
     4.735,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2004": {
   "generic": {
    "margin": [
     2.567,
     3.948,
     3.948
    ],
    "share": [
     4.054,
     4.4,
     5.59
    ]
   },
   "governor": {
    "margin": [
     5.04,
     6.137,
     6.241
    ],
    "share": [
     4.041,
     4.804,
     5.205
    ]
   },
   "house": {
    "margin": [
     5.805,
     6.922,
     7.227
    ],
    "share": [
     4.677,
     5.96,
     6.907
    ]
   },
   "president": {
    "margin": [
     4.808,
     5.663,
     5.663
    ],
    "share": [
     3.013,
     3.777,
     4.135
    ]
   },
   "primary": {
    "margin": [
     10.317,
     13.028,
     13.028
    ],
    "share": [
     8.408,
     11.512,
     12.054
    ]
   },
   "senate": {
    "margin": [
     6.003,
     6.558,
     6.558
    ],
    "share": [
     4.211,
     5.435,
     5.435
    ]
   }
  },
  "2005": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.996,
     6.063,
     6.181
    ],
    "share": [
     4.007,
     4.754,
     5.177
    ]
   },
   "house": {
    "margin": [
     5.748,
     6.857,
     7.133
    ],
    "share": [
     4.735,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2006": {
   "generic": {
    "margin": [
     2.52,
     3.715,
     3.715
    ],
    "share": [
     4.118,
     4.427,
     5.641
    ]
   },
   "governor": {
    "margin": [
     5.241,
     6.033,
     6.276
    ],
    "share": [
     4.148,
     4.728,
     5.278
    ]
   },
   "house": {
    "margin": [
     5.95,
     6.998,
     7.133
    ],
    "share": [
     4.864,
     6.163,
     6.806
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.953,
     6.315,
     6.357
    ],
    "share": [
     4.273,
     5.266,
     5.285
    ]
   }
  },
  "2007": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.997,
     6.052,
     6.199
    ],
    "share": [
     4.023,
     4.772,
     5.193
    ]
   },
   "house": {
    "margin": [
     5.763,
     6.857,
     7.133
    ],
    "share": [
     4.746,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2008": {
   "generic": {
    "margin": [
     2.712,
     4.267,
     4.267
    ],
    "share": [
     3.607,
     3.796,
     4.922
    ]
   },
   "governor": {
    "margin": [
     5.024,
     6.064,
     6.234
    ],
    "share": [
     4.038,
     4.736,
     5.23
    ]
   },
   "house": {
    "margin": [
     5.748,
     6.799,
     7.276
    ],
    "share": [
     4.694,
     5.936,
     6.881
    ]
   },
   "president": {
    "margin": [
     4.729,
     5.377,
     5.377
    ],
    "share": [
     2.981,
     3.669,
     3.998
    ]
   },
   "primary": {
    "margin": [
     10.474,
     14.11,
     14.11
    ],
    "share": [
     8.074,
     12.149,
     12.759
    ]
   },
   "senate": {
    "margin": [
     5.708,
     6.447,
     6.447
    ],
    "share": [
     4.227,
     5.07,
     5.454
    ]
   }
  },
  "2009": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.994,
     6.058,
     6.192
    ],
    "share": [
     4.028,
     4.776,
     5.201
    ]
   },
   "house": {
    "margin": [
     5.761,
     6.858,
     7.14
    ],
    "share": [
     4.694,
     5.852,
     6.833
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2010": {
   "generic": {
    "margin": [
     2.685,
     4.27,
     4.27
    ],
    "share": [
     3.985,
     4.309,
     5.518
    ]
   },
   "governor": {
    "margin": [
     5.124,
     6.164,
     6.328
    ],
    "share": [
     4.077,
     4.802,
     5.161
    ]
   },
   "house": {
    "margin": [
     5.143,
     6.726,
     6.726
    ],
    "share": [
     4.553,
     5.69,
     6.641
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     6.036,
     6.551,
     6.551
    ],
    "share": [
     4.325,
     5.435,
     5.435
    ]
   }
  },
  "2011": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.985,
     6.051,
     6.179
    ],
    "share": [
     4.032,
     4.773,
     5.155
    ]
   },
   "house": {
    "margin": [
     5.778,
     6.859,
     7.141
    ],
    "share": [
     4.75,
     5.924,
     6.807
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2012": {
   "generic": {
    "margin": [
     2.71,
     4.236,
     4.236
    ],
    "share": [
     3.979,
     4.063,
     5.456
    ]
   },
   "governor": {
    "margin": [
     5.009,
     6.112,
     6.266
    ],
    "share": [
     4.014,
     4.776,
     5.204
    ]
   },
   "house": {
    "margin": [
     5.85,
     6.858,
     7.038
    ],
    "share": [
     4.73,
     5.719,
     6.658
    ]
   },
   "president": {
    "margin": [
     4.574,
     5.478,
     5.478
    ],
    "share": [
     2.854,
     3.658,
     3.999
    ]
   },
   "primary": {
    "margin": [
     10.257,
     13.295,
     13.295
    ],
    "share": [
     8.464,
     11.558,
     11.558
    ]
   },
   "senate": {
    "margin": [
     5.942,
     6.637,
     6.637
    ],
    "share": [
     4.24,
     5.392,
     5.392
    ]
   }
  },
  "2013": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.974,
     6.06,
     6.158
    ],
    "share": [
     4.016,
     4.772,
     5.202
    ]
   },
   "house": {
    "margin": [
     5.735,
     6.857,
     7.087
    ],
    "share": [
     4.743,
     5.921,
     6.845
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.927,
     6.526,
     6.526
    ],
    "share": [
     4.266,
     5.392,
     5.392
    ]
   }
  },
  "2014": {
   "generic": {
    "margin": [
     2.539,
     4.116,
     4.116
    ],
    "share": [
     4.041,
     4.353,
     5.435
    ]
   },
   "governor": {
    "margin": [
     4.991,
     6.116,
     6.116
    ],
    "share": [
     4.087,
     4.858,
     5.351
    ]
   },
   "house": {
    "margin": [
     5.719,
     6.636,
     7.037
    ],
    "share": [
     4.715,
     6.023,
     6.908
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.88,
     6.506,
     6.506
    ],
    "share": [
     4.263,
     5.465,
     5.465
    ]
   }
  },
  "2015": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.984,
     6.009,
     6.158
    ],
    "share": [
     4.027,
     4.76,
     5.21
    ]
   },
   "house": {
    "margin": [
     5.589,
     6.857,
     7.133
    ],
    "share": [
     4.726,
     5.921,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2016": {
   "generic": {
    "margin": [
     2.564,
     4.147,
     4.147
    ],
    "share": [
     3.998,
     4.145,
     5.506
    ]
   },
   "governor": {
    "margin": [
     4.767,
     5.943,
     6.209
    ],
    "share": [
     3.949,
     4.804,
     5.244
    ]
   },
   "house": {
    "margin": [
     5.69,
     6.847,
     7.125
    ],
    "share": [
     4.814,
     5.953,
     6.91
    ]
   },
   "president": {
    "margin": [
     3.999,
     4.797,
     4.797
    ],
    "share": [
     2.804,
     3.826,
     4.081
    ]
   },
   "primary": {
    "margin": [
     10.295,
     11.865,
     11.865
    ],
    "share": [
     8.706,
     11.433,
     13.381
    ]
   },
   "senate": {
    "margin": [
     5.646,
     6.374,
     6.374
    ],
    "share": [
     4.191,
     5.472,
     5.472
    ]
   }
  },
  "2017": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     4.988,
     6.066,
     6.179
    ],
    "share": [
     3.999,
     4.754,
     5.171
    ]
   },
   "house": {
    "margin": [
     5.775,
     6.866,
     7.151
    ],
    "share": [
     4.747,
     5.925,
     6.854
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.917,
     6.513,
     6.513
    ],
    "share": [
     4.262,
     5.387,
     5.387
    ]
   }
  },
  "2018": {
   "generic": {
    "margin": [
     2.662,
     4.264,
     4.264
    ],
    "share": [
     3.831,
     4.193,
     5.443
    ]
   },
   "governor": {
    "margin": [
     5.003,
     6.203,
     6.301
    ],
    "share": [
     3.992,
     4.859,
     5.137
    ]
   },
   "house": {
    "margin": [
     6.115,
     6.954,
     7.39
    ],
    "share": [
     4.798,
     6.035,
     6.995
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.958,
     6.716,
     6.716
    ],
    "share": [
     4.339,
     5.45,
     5.45
    ]
   }
  },
  "2019": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     5.0,
     6.049,
     6.106
    ],
    "share": [
     4.036,
     4.78,
     5.221
    ]
   },
   "house": {
    "margin": [
     5.757,
     6.846,
     7.133
    ],
    "share": [
     4.742,
     5.933,
     6.839
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2020": {
   "generic": {
    "margin": [
     2.509,
     3.961,
     3.961
    ],
    "share": [
     4.112,
     4.426,
     5.661
    ]
   },
   "governor": {
    "margin": [
     4.649,
     5.961,
     6.174
    ],
    "share": [
     3.978,
     4.797,
     5.247
    ]
   },
   "house": {
    "margin": [
     5.669,
     6.852,
     7.024
    ],
    "share": [
     4.906,
     6.035,
     6.996
    ]
   },
   "president": {
    "margin": [
     4.317,
     5.092,
     5.092
    ],
    "share": [
     2.947,
     3.848,
     4.191
    ]
   },
   "primary": {
    "margin": [
     9.654,
     13.044,
     13.044
    ],
    "share": [
     8.211,
     11.223,
     11.223
    ]
   },
   "senate": {
    "margin": [
     5.904,
     6.452,
     6.452
    ],
    "share": [
     4.355,
     5.545,
     5.545
    ]
   }
  },
  "2021": {
   "generic": {
    "margin": [
     2.591,
     4.105,
     4.105
    ],
    "share": [
     3.988,
     4.256,
     5.449
    ]
   },
   "governor": {
    "margin": [
     5.002,
     6.054,
     6.2
    ],
    "share": [
     4.031,
     4.78,
     5.212
    ]
   },
   "house": {
    "margin": [
     5.674,
     6.855,
     7.157
    ],
    "share": [
     4.596,
     5.904,
     6.864
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.912,
     6.506,
     6.506
    ],
    "share": [
     4.262,
     5.386,
     5.386
    ]
   }
  },
  "2022": {
   "generic": {
    "margin": [
     2.598,
     4.246,
     4.246
    ],
    "share": [
     4.135,
     4.35,
     5.583
    ]
   },
   "governor": {
    "margin": [
     4.998,
     6.023,
     6.154
    ],
    "share": [
     4.106,
     4.842,
     5.222
    ]
   },
   "house": {
    "margin": [
     5.798,
     6.946,
     7.253
    ],
    "share": [
     4.728,
     5.966,
     6.794
    ]
   },
   "president": {
    "margin": [
     4.51,
     5.329,
     5.329
    ],
    "share": [
     2.867,
     3.694,
     3.951
    ]
   },
   "primary": {
    "margin": [
     10.237,
     13.258,
     13.258
    ],
    "share": [
     8.41,
     11.626,
     11.985
    ]
   },
   "senate": {
    "margin": [
     5.902,
     6.525,
     6.525
    ],
    "share": [
     4.298,
     5.465,
     5.465
    ]
   }
  }
 }
}
